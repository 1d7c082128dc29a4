package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
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
 * Two caps, each held: at most WORK_CONCURRENCY invoices are worked at once (the activation spec's
 * maxConcurrency), and of those at most RENDER_CONCURRENCY render at once (RenderPermits, taken for
 * the render alone). Under a burst more invoices are in flight than render slots, because the rest
 * load, store or email without holding one, and the renders still never exceed the cap, which the
 * burst does reach. Every invoice of the burst still gets exactly one PDF and one email.
 *
 * <p>The invoices are long enough (150 lines, paged from the Stripe stand-in) that their renders
 * overlap whenever the permits let them: without the cap the render peak would pass it.
 *
 * <p>The peaks are counted since server start, so each run starts its own server: the peak read
 * after the burst is the burst's, and nothing another test did can raise or satisfy it. The standard
 * configuration (RENDER_CONCURRENCY 2, WORK_CONCURRENCY at its default) runs last, leaving the
 * standard server for the next class.
 */
@BillingIT
class RenderCapIT {

    private static final int BURST = 16;
    private static final int LINES = 150;
    /** server.xml's default WORK_CONCURRENCY, which the standard configuration leaves in place. */
    private static final int DEFAULT_WORK_CONCURRENCY = 8;

    @ParameterizedTest(name = "RENDER_CONCURRENCY={0}, WORK_CONCURRENCY={1}")
    @CsvSource({"3, 6", "2, 0"})
    void aBurstIsWorkedBeyondTheRenderCapButRenderedWithinIt(int renderCap, int workSetting, Db db, Mailbox mailbox,
                                                             StripeApiStub stripe) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("RENDER_CONCURRENCY", Integer.toString(renderCap));
        env.put("WORK_CONCURRENCY", workSetting > 0 ? Integer.toString(workSetting) : null); // null: the default
        BillingServer.restart(env);
        int workCap = workSetting > 0 ? workSetting : DEFAULT_WORK_CONCURRENCY;
        // The gauges may not be published before their bean is first used: absent counts as none yet.
        assertEquals(0, gaugeIfPublished("work_in_flight_peak").orElse(0), "a fresh server has seen no work yet");
        assertEquals(0, gaugeIfPublished("renders_in_flight_peak").orElse(0), "a fresh server has rendered nothing yet");
        WebhookClient webhook = BillingServer.webhook();

        List<Fixtures.FinalizedInvoice> invoices = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            var invoice = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("burst" + renderCap + "-" + i))
                    .lines(LINES).build();
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
            assertEquals(1, mailbox.countTo(invoice.customerEmail()), "one email for " + invoice.invoiceId());
            assertEquals(1, db.count("SELECT COUNT(*) FROM invoice_pdf_version WHERE stripe_invoice_id = ?",
                    invoice.invoiceId()), "one PDF for " + invoice.invoiceId());
        }

        int workPeak = gauge("work_in_flight_peak");
        assertTrue(workPeak <= workCap, "at most " + workCap + " invoices worked at once, saw " + workPeak);
        assertTrue(workPeak > renderCap, "invoices waiting on the bucket or SMTP hold no render slot, so more than "
                + renderCap + " are worked at once under a burst of " + BURST + "; saw " + workPeak);
        int renderPeak = gauge("renders_in_flight_peak");
        assertTrue(renderPeak <= renderCap, "at most " + renderCap + " renders at once, saw " + renderPeak);
        assertEquals(renderCap, renderPeak, "the burst of " + BURST + " did use every one of the " + renderCap
                + " render slots");
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
