package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static com.adventive.billing.it.WorkAssertions.awaitWorkState;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cap is the activation spec's maxConcurrency, set by RENDER_CONCURRENCY: under a burst exactly
 * that many invoices are worked at once (render, store, email), never more, so never more renders.
 *
 * <p>The peaks are counted since server start, so each run starts its own server: the peak read
 * after the burst is the burst's, and nothing another test did can raise or satisfy it. The standard
 * cap (2) runs last, leaving the standard server for the next class.
 */
@BillingIT
class RenderCapIT {

    private static final int BURST = 16;

    @ParameterizedTest(name = "RENDER_CONCURRENCY={0}")
    @ValueSource(ints = {3, 2})
    void aBurstIsWorkedExactlyCapAtOnce(int cap, Db db, Mailbox mailbox, StripeApiStub stripe) throws Exception {
        BillingServer.restart(Map.of("RENDER_CONCURRENCY", Integer.toString(cap)));
        // The gauges may not be published before their bean is first used: absent counts as none yet.
        assertEquals(0, gaugeIfPublished("work_in_flight_peak").orElse(0), "a fresh server has seen no work yet");
        assertEquals(0, gaugeIfPublished("renders_in_flight_peak").orElse(0), "a fresh server has rendered nothing yet");
        WebhookClient webhook = BillingServer.webhook();

        List<Fixtures.FinalizedInvoice> invoices = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            var invoice = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("burst" + cap + "-" + i)).lines(50).build();
            stripe.stubInvoice(invoice, 100);
            invoices.add(invoice);
        }
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<HttpResponse<String>>> posts = invoices.stream()
                    .map(inv -> CompletableFuture.supplyAsync(() -> webhook.postSigned(inv.eventJson()), senders))
                    .toList();
            for (var post : posts) {
                assertEquals(200, post.get().statusCode());
            }
        } finally {
            senders.shutdown();
        }
        for (var invoice : invoices) {
            awaitWorkState(db, invoice.eventId(), "done");
            assertEquals(1, mailbox.countTo(invoice.customerEmail()));
        }

        int workPeak = gauge("work_in_flight_peak");
        assertTrue(workPeak <= cap, "at most " + cap + " invoices worked at once, saw " + workPeak);
        assertEquals(cap, workPeak, "the burst of " + BURST + " did use every one of the " + cap + " slots");
        int renderPeak = gauge("renders_in_flight_peak");
        assertTrue(renderPeak >= 1 && renderPeak <= cap, "at most " + cap + " renders at once, saw " + renderPeak);
        assertEquals(0, gauge("work_in_flight"), "nothing left in flight");
        assertEquals(0, gauge("renders_in_flight"), "nothing left rendering");
    }

    private static int gauge(String name) {
        return gaugeIfPublished(name).orElseThrow(() -> new AssertionError("no metric " + name + " published"));
    }

    private static OptionalInt gaugeIfPublished(String name) {
        HttpResponse<String> metrics = BillingServer.webhook().get("/metrics?scope=application");
        assertEquals(200, metrics.statusCode(), metrics.body());
        return metrics.body().lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .map(line -> line.substring(line.lastIndexOf(' ') + 1))
                .mapToInt(value -> (int) Double.parseDouble(value))
                .findFirst();
    }
}
