package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static com.adventive.billing.it.WorkAssertions.awaitWorkState;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retries with backoff until the attempt budget is spent; storage failures are answered 5xx so Stripe retries. */
@BillingIT
class WorkRetryIT {

    @Test
    void workThatKeepsFailingGivesUpAfterTheConfiguredAttemptsKeepingTheLastError(Db db, WebhookClient webhook,
                                                                                  StripeApiStub stripe,
                                                                                  Mailbox mailbox) {
        var invoice = Fixtures.invoiceFinalized().apiVersion(null).customerEmail(uniqueEmail("giveup")).build();
        stripe.failRequests("/v1/invoices/" + invoice.invoiceId(), 500);
        try {
            assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
            awaitWorkState(db, invoice.eventId(), "failed");
        } finally {
            stripe.reset();
        }
        Map<String, Object> item = db.rows("SELECT attempts, failure_reason, last_error FROM work_item "
                + "WHERE event_id = ?", invoice.eventId()).get(0);
        assertEquals(5, ((Number) item.get("attempts")).intValue(), "WORK_MAX_ATTEMPTS in the test server is 5");
        assertEquals("attempts_exhausted", item.get("failure_reason"));
        assertTrue(String.valueOf(item.get("last_error")).contains("Injected by the test harness"),
                "the last error is kept: " + item.get("last_error"));
        assertEquals(1, db.count("SELECT COUNT(*) FROM operational_event WHERE event_type = 'work_failed' "
                + "AND stripe_event_id = ?", invoice.eventId()));
        assertEquals(0, mailbox.countTo(invoice.customerEmail()));
    }

    @Test
    void whenTheEventCannotBeStoredStripeIsAnswered5xxAndNothingIsKept(Db db, WebhookClient webhook) {
        var invoice = Fixtures.invoiceFinalized().build();
        db.execute("ALTER TABLE work_item RENAME TO work_item_unavailable");
        HttpResponse<String> response;
        try {
            response = webhook.postSigned(invoice.eventJson());
        } finally {
            db.execute("ALTER TABLE work_item_unavailable RENAME TO work_item");
        }
        assertEquals(503, response.statusCode(), response.body());
        assertTrue(response.body().contains("storage_unavailable"), response.body());
        assertEquals(0, db.count("SELECT COUNT(*) FROM stripe_event WHERE event_id = ?", invoice.eventId()),
                "the event row rolled back with its work item: one transaction");

        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode(), "Stripe's retry is accepted");
        awaitWorkState(db, invoice.eventId(), "done");
    }
}
