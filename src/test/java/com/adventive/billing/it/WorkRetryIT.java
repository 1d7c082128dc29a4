package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static com.adventive.billing.it.WorkAssertions.awaitWorkState;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retries with exponential backoff until the attempt budget is spent; an event that cannot be
 * stored is answered 5xx so Stripe retries. Faults are the ones production sees: Stripe answering
 * 500, the database down.
 */
@BillingIT
class WorkRetryIT {

    /** Between polls of the work item; far below the shortest backoff (WORK_RETRY_BASE_SECONDS=1). */
    private static final long POLL_MILLIS = 25;

    @Test
    void workThatKeepsFailingGivesUpAfterTheConfiguredAttemptsKeepingTheLastError(Db db, WebhookClient webhook,
                                                                                  StripeApiStub stripe,
                                                                                  Mailbox mailbox) {
        int maxAttempts = BillingServer.workMaxAttempts();
        var invoice = Fixtures.invoiceFinalized().apiVersion(null).customerEmail(uniqueEmail("giveup")).build();
        stripe.failRequests("/v1/invoices/" + invoice.invoiceId(), 500);

        // While the item retries, note for each attempt how far ahead the next one was scheduled.
        Map<Integer, BigDecimal> spacingByAttempt = new TreeMap<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        CompletableFuture<Void> watcher = CompletableFuture.runAsync(() -> {
            while (watching.get()) {
                db.rows("SELECT attempts, EXTRACT(EPOCH FROM (next_attempt_at - updated_at)) AS spacing "
                                + "FROM work_item WHERE event_id = ? AND state = 'pending' AND attempts > 0",
                        invoice.eventId())
                        .forEach(row -> spacingByAttempt.put(((Number) row.get("attempts")).intValue(),
                                (BigDecimal) row.get("spacing")));
                sleep(POLL_MILLIS);
            }
        });
        try {
            assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
            awaitWorkState(db, invoice.eventId(), "failed");
        } finally {
            watching.set(false);
            watcher.join();
        }

        Map<String, Object> item = db.rows("SELECT attempts, failure_reason, last_error FROM work_item "
                + "WHERE event_id = ?", invoice.eventId()).get(0);
        assertEquals(maxAttempts, ((Number) item.get("attempts")).intValue(), "WORK_MAX_ATTEMPTS");
        assertEquals("attempts_exhausted", item.get("failure_reason"));
        assertTrue(String.valueOf(item.get("last_error")).contains("Injected by the test harness"),
                "the last error is kept: " + item.get("last_error"));
        assertEquals(1, db.count("SELECT COUNT(*) FROM operational_event WHERE event_type = 'work_failed' "
                + "AND stripe_event_id = ?", invoice.eventId()));
        assertEquals(0, mailbox.countTo(invoice.customerEmail()));

        // Backoff: base × 2^(attempt-1) (the cap, WORK_RETRY_MAX_SECONDS, is far above these).
        long base = BillingServer.workRetryBaseSeconds();
        spacingByAttempt.forEach((attempt, spacing) -> assertEquals(0,
                BigDecimal.valueOf(base << (attempt - 1)).compareTo(spacing),
                "after attempt " + attempt + " the next is " + (base << (attempt - 1)) + " s later; all seen: "
                        + spacingByAttempt));
        // Each wait is at least a second long, so the watcher sees nearly all; a stalled poll may miss one.
        assertTrue(spacingByAttempt.size() >= maxAttempts - 2 && spacingByAttempt.keySet().stream()
                        .allMatch(attempt -> attempt >= 1 && attempt < maxAttempts),
                "the retries between attempts 1 and " + maxAttempts + " were seen: " + spacingByAttempt);
    }

    @Test
    void withTheDatabaseDownStripeIsAnswered5xxAndItsRetryIsWorked(Db db, WebhookClient webhook, Mailbox mailbox) {
        var invoice = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("dbdown")).build();
        HttpResponse<String> response;
        db.stop();
        try {
            response = webhook.postSigned(invoice.eventJson());
        } finally {
            db.start();
        }
        assertEquals(503, response.statusCode(), response.body());
        assertTrue(response.body().contains("storage_unavailable"), response.body());

        // The worker finds the database again by itself; Stripe's retry comes after that.
        BillingServer.awaitReady();
        assertEquals(0, db.count("SELECT COUNT(*) FROM stripe_event WHERE event_id = ?", invoice.eventId()),
                "nothing was kept of the refused delivery");
        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode(), "Stripe's retry is accepted");
        awaitWorkState(db, invoice.eventId(), "done");
        assertEquals(1, mailbox.waitFor(invoice.customerEmail(), 1).size());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
