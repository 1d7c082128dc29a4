package com.adventive.billing.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Talks HTTP to the worker the way Stripe (and operators) do: raw bytes in, status and body out.
 * Nothing is retried or interpreted here; the tests judge the answer.
 */
public final class WebhookClient {

    public static final String WEBHOOK_PATH = "/webhooks/stripe";

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final String appUrl;
    private final StripeSigner currentSecret;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** @param appUrl the worker's base URL including its context root, no trailing slash */
    public WebhookClient(String appUrl, StripeSigner currentSecret) {
        this.appUrl = appUrl;
        this.currentSecret = currentSecret;
    }

    /** POST the exact bytes with the given {@code Stripe-Signature} (null: no header at all). */
    public HttpResponse<String> post(byte[] body, String signatureHeader) {
        return signatureHeader == null
                ? postRaw(WEBHOOK_PATH, body, Map.of("Content-Type", "application/json; charset=utf-8"))
                : postRaw(WEBHOOK_PATH, body, Map.of("Content-Type", "application/json; charset=utf-8",
                "Stripe-Signature", signatureHeader));
    }

    /** POST signed with the current webhook secret, now: what Stripe sends. */
    public HttpResponse<String> postSigned(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return post(body, currentSecret.header(body));
    }

    /** POST anything to any path of the app, with arbitrary headers (admin API, oversize bodies, …). */
    public HttpResponse<String> postRaw(String path, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return send(request.build());
    }

    public HttpResponse<String> get(String path) {
        return get(path, Map.of());
    }

    public HttpResponse<String> get(String path, Map<String, String> headers) {
        HttpRequest.Builder request = request(path).GET();
        headers.forEach(request::header);
        return send(request.build());
    }

    public String appUrl() {
        return appUrl;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(appUrl + path)).timeout(REQUEST_TIMEOUT);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
