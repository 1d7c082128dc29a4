package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * An operator with a valid Cloudflare Access service token, calling the admin API. Registered as
 * an extension ({@code @RegisterExtension final AdminClient admin = new AdminClient();}) it registers
 * its token before each test and removes it after, so no class leaves an operator behind.
 */
final class AdminClient implements BeforeEachCallback, AfterEachCallback {

    private final String clientId = "it-operator-" + UUID.randomUUID().toString().substring(0, 8) + ".access";
    private final String secret = UUID.randomUUID().toString();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** Registers this operator's token with the running server (read per request, no restart). */
    AdminClient register() {
        BillingServer.writeSecret("ADMIN_SERVICE_TOKENS",
                clientId + ":" + WorkAssertions.sha256(secret.getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    void unregister() {
        BillingServer.removeSecret("ADMIN_SERVICE_TOKENS");
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        register();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        unregister();
    }

    String clientId() {
        return clientId;
    }

    String secret() {
        return secret;
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> getBytes(String path) {
        return send(request(path).GET(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> post(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonObject json(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(BillingServer.url(path))).timeout(Duration.ofSeconds(120))
                .header("CF-Access-Client-Id", clientId)
                .header("CF-Access-Client-Secret", secret);
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request.build(), handler);
        } catch (Exception e) {
            throw new AssertionError("admin request failed: " + e, e);
        }
    }
}
