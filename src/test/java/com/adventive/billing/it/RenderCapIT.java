package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static com.adventive.billing.it.WorkAssertions.awaitWorkState;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cap is the activation spec's maxConcurrency: under a burst exactly 2 invoices are worked at once
 * (render, store, email), so never more than 2 renders run at once.
 */
@BillingIT
class RenderCapIT {

    private static final int BURST = 16;

    @Test
    void aBurstOfInvoicesNeverRendersMoreThanTwoAtOnce(Db db, WebhookClient webhook, Mailbox mailbox,
                                                       StripeApiStub stripe) throws Exception {
        List<Fixtures.FinalizedInvoice> invoices = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            var invoice = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("burst" + i)).lines(50).build();
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
        assertTrue(workPeak <= 2, "at most 2 invoices worked at once, saw " + workPeak);
        assertEquals(2, workPeak, "the burst did use both slots");
        int renderPeak = gauge("renders_in_flight_peak");
        assertTrue(renderPeak >= 1 && renderPeak <= 2, "at most 2 renders at once, saw " + renderPeak);
        assertEquals(0, gauge("work_in_flight"), "nothing left in flight");
        assertEquals(0, gauge("renders_in_flight"), "nothing left rendering");
    }

    private static int gauge(String name) {
        HttpResponse<String> metrics = BillingServer.webhook().get("/metrics?scope=application");
        assertEquals(200, metrics.statusCode(), metrics.body());
        return metrics.body().lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .map(line -> line.substring(line.lastIndexOf(' ') + 1))
                .map(value -> (int) Double.parseDouble(value))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name + " in:\n" + metrics.body()));
    }
}
