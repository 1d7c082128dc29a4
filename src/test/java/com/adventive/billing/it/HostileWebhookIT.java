package com.adventive.billing.it;

import com.adventive.billing.it.support.Await;
import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static com.adventive.billing.it.WorkAssertions.awaitWorkState;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The webhook door against hostile clients: malformed signatures, requests that announce a huge
 * body and never send it, and floods of 1 MiB posts that cannot verify. None may answer 5xx
 * (other than a deliberate 503 when the body budget is spent), none may make the server read a
 * body it has no reason to read, and a signed event still goes through right after.
 */
@BillingIT
class HostileWebhookIT {

    private static final int MIB = 1024 * 1024;
    /** The server's budget of body bytes in flight (InFlightBodies): eight 1 MiB bodies. */
    private static final long BODY_BUDGET_BYTES = 8L * MIB;

    @Test
    void malformedSignaturesAre400ProblemsWithAStableCodeAndNothingIsStored(Db db, WebhookClient webhook) {
        var invoice = Fixtures.invoiceFinalized().build();
        Map<String, String> malformed = new LinkedHashMap<>();
        malformed.put("t", "t");
        malformed.put("t=abc", "t=abc");
        malformed.put("t=1,v1", "t=1,v1");
        malformed.put("t=,v1=", "t=,v1=");
        malformed.put("4 KB value", "t=" + Instant.now().getEpochSecond() + ",v1=" + "a".repeat(4096));
        malformed.put("overflowing timestamp", "t=99999999999999999999,v1=" + "0".repeat(64));
        malformed.put("no signature", "t=" + Instant.now().getEpochSecond());
        malformed.put("trailing comma", "t=1,v1=00,");

        List<Runnable> checks = new ArrayList<>();
        malformed.forEach((name, header) -> {
            HttpResponse<String> response = webhook.post(invoice.eventBytes(), header);
            checks.add(() -> assertProblem(response, 400, "signature_malformed", name));
        });
        HttpResponse<String> missing = webhook.post(invoice.eventBytes(), null);
        checks.add(() -> assertProblem(missing, 400, "signature_missing", "no header"));
        HttpResponse<String> wrong = webhook.post(invoice.eventBytes(), "t=" + Instant.now().getEpochSecond()
                + ",v1=" + "0".repeat(64));
        checks.add(() -> assertProblem(wrong, 400, "signature_invalid", "well-formed but wrong"));
        assertAll(checks.stream().map(check -> check::run));
        assertEquals(0, db.count("SELECT COUNT(*) FROM stripe_event WHERE event_id = ?", invoice.eventId()));
    }

    @Test
    void anUndecodableQueryIsA400ProblemNotA500(Db db, WebhookClient webhook) {
        var invoice = Fixtures.invoiceFinalized().build();
        String signature = BillingServer.currentSigner().header(invoice.eventJson());
        RawHttp.Response response = RawHttp.post(WebhookClient.WEBHOOK_PATH + "?x=%zz", invoice.eventBytes(),
                "Content-Type: application/json", "Stripe-Signature: " + signature);
        assertTrue(response.status() < 500, response.status() + " " + response.body());
        assertEquals(0, db.count("SELECT COUNT(*) FROM stripe_event WHERE event_id = ?", invoice.eventId()));
        assertRawProblem(response, 400, "uri_malformed");
    }

    @Test
    void aRequestWithoutSignatureIsAnsweredWithoutWaitingForItsHugeBody() {
        byte[] start = "{\"id\":\"evt_".getBytes(StandardCharsets.UTF_8);
        // 100 MiB announced, a few bytes sent, then nothing: only a server that does not read the body answers
        RawHttp.Response announced = RawHttp.stallAfter("POST", WebhookClient.WEBHOOK_PATH, start,
                "Content-Type: application/json", "Content-Length: " + (100L * MIB));
        assertRawProblem(announced, 400, "signature_missing");

        // chunked, no length to judge by: the first chunk, then nothing
        byte[] firstChunk = (Integer.toHexString(start.length) + "\r\n" + new String(start, StandardCharsets.UTF_8)
                + "\r\n").getBytes(StandardCharsets.UTF_8);
        RawHttp.Response chunked = RawHttp.stallAfter("POST", WebhookClient.WEBHOOK_PATH, firstChunk,
                "Content-Type: application/x-www-form-urlencoded", "Transfer-Encoding: chunked");
        assertRawProblem(chunked, 400, "signature_missing");

        RawHttp.Response malformed = RawHttp.stallAfter("POST", WebhookClient.WEBHOOK_PATH, firstChunk,
                "Content-Type: application/json", "Transfer-Encoding: chunked", "Stripe-Signature: t=abc,v1=00");
        assertRawProblem(malformed, 400, "signature_malformed");
    }

    @Test
    void aFloodOfBadlySignedMebibytePostsIsBoundedAndASignedEventGoesThroughRightAfter(
            Db db, WebhookClient webhook, Mailbox mailbox, StripeApiStub stripe) throws Exception {
        byte[] mebibyte = new byte[MIB];
        Arrays.fill(mebibyte, (byte) ' ');
        mebibyte[0] = '{';
        mebibyte[MIB - 1] = '}';
        byte[] tooBig = Arrays.copyOf(mebibyte, MIB + 1);
        SecureRandom random = new SecureRandom();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        ExecutorService clients = Executors.newFixedThreadPool(48);
        List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 48; i++) {
                byte[] signatureBytes = new byte[32];
                random.nextBytes(signatureBytes);
                // well-formed but wrong: these must be read before they can be refused, so they meet the budget
                String garbage = "t=" + Instant.now().getEpochSecond() + ",v1=" + HexFormat.of().formatHex(signatureBytes);
                byte[] body = i % 12 == 11 ? tooBig : mebibyte;
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(BillingServer.url(WebhookClient.WEBHOOK_PATH)))
                        .timeout(Duration.ofSeconds(120))
                        .header("Content-Type", "application/json")
                        .header("Stripe-Signature", garbage);
                // some without Content-Length (chunked): the server cannot know their size in advance
                request.POST(i % 2 == 0 ? HttpRequest.BodyPublishers.ofByteArray(body)
                        : HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)));
                flood.add(CompletableFuture.supplyAsync(() -> send(http, request.build()), clients));
            }
            List<Runnable> checks = new ArrayList<>();
            for (var post : flood) {
                HttpResponse<String> response = post.get();
                checks.add(() -> assertFloodAnswer(response));
            }
            assertAll(checks.stream().map(check -> check::run));
        } finally {
            clients.shutdownNow();
        }

        long peak = ApplicationMetrics.gauge("webhook_body_bytes_in_flight_peak");
        assertTrue(peak > 0, "the budget was used: " + peak);
        assertTrue(peak <= BODY_BUDGET_BYTES, "never more than " + BODY_BUDGET_BYTES + " body bytes held at once, saw " + peak);
        Await.until(Duration.ofSeconds(30), () -> ApplicationMetrics.gauge("webhook_body_bytes_in_flight") == 0,
                "every reservation given back");

        var invoice = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("after-flood")).build();
        stripe.stubInvoice(invoice, 100);
        HttpResponse<String> signed = webhook.postSigned(invoice.eventJson());
        assertEquals(200, signed.statusCode(), signed.body());
        awaitWorkState(db, invoice.eventId(), "done");
        assertEquals(1, mailbox.waitFor(invoice.customerEmail(), 1).size());
    }

    @Test
    void theServerJvmExitsOnOutOfMemoryInsteadOfLimpingOn() throws Exception {
        ProcessHandle server = BillingServer.serverProcess()
                .orElseThrow(() -> new AssertionError("no server process for " + BillingServer.serverDir()));
        String[] arguments = server.info().arguments().orElseThrow(() -> new AssertionError("arguments not visible"));
        assertTrue(Arrays.asList(arguments).contains("-XX:+ExitOnOutOfMemoryError"),
                "server JVM arguments: " + String.join(" ", arguments));
    }

    private static final Set<String> FLOOD_CODES = Set.of("signature_invalid", "body_too_large", "intake_busy");

    private static void assertFloodAnswer(HttpResponse<String> response) {
        int status = response.statusCode();
        assertTrue(status == 400 || status == 413 || status == 503, "status " + status + ": " + response.body());
        JsonObject problem = Json.createReader(new StringReader(response.body())).readObject();
        assertTrue(FLOOD_CODES.contains(problem.getString("code", "")), response.body());
        if (status == 503) {
            assertEquals("intake_busy", problem.getString("code"));
            assertNotNull(response.headers().firstValue("Retry-After").orElse(null), "503 says when to retry");
        }
    }

    private static void assertProblem(HttpResponse<String> response, int status, String code, String what) {
        assertEquals(status, response.statusCode(), what + ": " + response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                what + ": " + response.headers().map());
        JsonObject problem = Json.createReader(new StringReader(response.body())).readObject();
        assertEquals(code, problem.getString("code", null), what + ": " + response.body());
    }

    private static void assertRawProblem(RawHttp.Response response, int status, String code) {
        assertEquals(status, response.status(), response.body());
        assertTrue(String.valueOf(response.header("Content-Type")).startsWith("application/problem+json"),
                response.headers().toString());
        JsonObject problem = Json.createReader(new StringReader(response.body())).readObject();
        assertEquals(code, problem.getString("code", null), response.body());
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError("flood request failed: " + e, e);
        }
    }
}
