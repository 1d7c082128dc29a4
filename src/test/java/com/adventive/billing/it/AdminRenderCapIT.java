package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static com.adventive.billing.it.WorkAssertions.awaitWorkState;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Operators' renders ({@code POST /admin/render-pdf}, {@code /admin/resend-invoice}) share the
 * RENDER_CONCURRENCY cap with the queue: eight concurrent admin renders of a long invoice, while the
 * queue works invoices of its own, never have more than the cap rendering at once. The peak gauge
 * counts since start, so earlier tests can only have pushed it up, never hidden a breach.
 */
@BillingIT
class AdminRenderCapIT {

    private static final int OPERATOR_CALLS = 8;
    private static final int LONG_INVOICE_LINES = 150;

    @RegisterExtension
    static final AdminClient operator = new AdminClient();

    @Test
    void adminRendersAndQueueRendersTogetherStayWithinTheCap(Db db, WebhookClient webhook, StripeApiStub stripe)
            throws Exception {
        int cap = BillingServer.renderConcurrency();
        var longInvoice = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("render-cap"))
                .lines(LONG_INVOICE_LINES).build();
        stripe.stubInvoice(longInvoice, 100);
        assertEquals(200, webhook.postSigned(longInvoice.eventJson()).statusCode());
        awaitWorkState(db, longInvoice.eventId(), "done");

        List<Fixtures.FinalizedInvoice> queued = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            var invoice = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("render-cap-queue" + i))
                    .lines(LONG_INVOICE_LINES).build();
            stripe.stubInvoice(invoice, 100);
            queued.add(invoice);
        }

        String body = "{\"invoice_id\":\"" + longInvoice.invoiceId() + "\"}";
        ExecutorService callers = Executors.newFixedThreadPool(OPERATOR_CALLS + queued.size());
        List<HttpResponse<String>> answers = new ArrayList<>();
        try {
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (var invoice : queued) {
                calls.add(CompletableFuture.supplyAsync(() -> webhook.postSigned(invoice.eventJson()), callers));
            }
            for (int i = 0; i < OPERATOR_CALLS; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> renderPdf(body), callers));
            }
            for (var call : calls) {
                answers.add(call.get());
            }
        } finally {
            callers.shutdownNow();
        }
        for (var invoice : queued) {
            awaitWorkState(db, invoice.eventId(), "done");
        }

        List<Runnable> checks = new ArrayList<>();
        for (HttpResponse<String> answer : answers.subList(0, queued.size())) {
            checks.add(() -> assertEquals(200, answer.statusCode(), answer.body()));
        }
        List<HttpResponse<String>> adminAnswers = answers.subList(queued.size(), answers.size());
        for (HttpResponse<String> answer : adminAnswers) {
            checks.add(() -> assertAdminRenderAnswer(answer));
        }
        assertAll(checks.stream().map(c -> c::run));
        assertTrue(adminAnswers.stream().anyMatch(a -> a.statusCode() == 200), "some operator renders went through");

        long peak = ApplicationMetrics.gauge("renders_in_flight_peak");
        assertTrue(peak <= cap, "never more than " + cap + " renders at once, saw " + peak);
        assertEquals(0, ApplicationMetrics.gauge("renders_in_flight"), "nothing left rendering");
    }

    /** HTTP/1.1, one connection per call: eight renders multiplexed on one HTTP/2 connection test HTTP/2, not the cap. */
    private static final HttpClient HTTP_1_1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private static HttpResponse<String> renderPdf(String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(BillingServer.url("/admin/render-pdf")))
                .timeout(Duration.ofSeconds(180))
                .header("Content-Type", "application/json")
                .header("CF-Access-Client-Id", operator.clientId())
                .header("CF-Access-Client-Secret", operator.secret())
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            return HTTP_1_1.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("render-pdf failed: " + e, e);
        }
    }

    /** A render, or a clean refusal when every slot stayed busy for the whole wait. */
    private static void assertAdminRenderAnswer(HttpResponse<String> answer) {
        if (answer.statusCode() == 503) {
            JsonObject problem = AdminClient.json(answer);
            assertEquals("render_busy", problem.getString("code"), answer.body());
            assertTrue(answer.headers().firstValue("Retry-After").isPresent(), "503 says when to retry");
            return;
        }
        assertEquals(200, answer.statusCode(), answer.body());
        assertTrue(AdminClient.json(answer).getJsonNumber("size").longValue() > 0, answer.body());
    }
}
