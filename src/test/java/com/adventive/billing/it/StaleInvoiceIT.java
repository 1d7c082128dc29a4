package com.adventive.billing.it;

import com.adventive.billing.it.support.Await;
import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.Bucket;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static com.adventive.billing.it.WorkAssertions.WORK_TIMEOUT;
import static com.adventive.billing.it.WorkAssertions.awaitWorkState;
import static com.adventive.billing.it.WorkAssertions.operationalEvents;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static com.adventive.billing.it.WorkTestSupport.invoiceFetches;
import static com.adventive.billing.it.WorkTestSupport.withStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An invoice voided, deleted or marked uncollectible while its work waited (a backlog, an outage,
 * retries) is not emailed: an old event, or a retry, has its invoice's status asked of Stripe
 * before anything is rendered or sent. INVOICE_STATUS_RECHECK_SECONDS is at its default (300).
 */
@BillingIT
class StaleInvoiceIT {

    /** Older than the default 5 minutes: e.g. Stripe redelivering after an outage, or a long backlog. */
    private static final Duration OLD = Duration.ofMinutes(20);

    @Test
    void anOldEventWhoseInvoiceWasVoidedMeanwhileIsNotEmailed(Db db, WebhookClient webhook, StripeApiStub stripe,
                                                              Mailbox mailbox, Bucket bucket) {
        var invoice = Fixtures.invoiceFinalized().finalizedAt(Instant.now().minus(OLD))
                .customerEmail(uniqueEmail("voided")).build();
        stripe.stubInvoice(withStatus(invoice.invoiceJson(), "void"));

        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        awaitWorkState(db, invoice.eventId(), "skipped");

        assertEquals(1, operationalEvents(db, "invoice_not_deliverable", invoice.invoiceId()));
        assertTrue(invoiceFetches(stripe, invoice) >= 1, "the current status was asked of Stripe");
        assertEquals(0, mailbox.countTo(invoice.customerEmail()));
        assertEquals(0, operationalEvents(db, "pdf_rendered", invoice.invoiceId()), "nothing rendered");
        assertTrue(bucket.keys().stream().noneMatch(k -> k.startsWith(invoice.acctId() + "/")), "no PDF stored");
    }

    @Test
    void anOldEventWhoseInvoiceStripeNoLongerHasIsNotEmailed(Db db, WebhookClient webhook, StripeApiStub stripe,
                                                             Mailbox mailbox) {
        // no stub for the invoice: the Stripe stand-in answers 404 resource_missing, as for a deleted invoice
        var invoice = Fixtures.invoiceFinalized().finalizedAt(Instant.now().minus(OLD))
                .customerEmail(uniqueEmail("deleted")).build();

        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        awaitWorkState(db, invoice.eventId(), "skipped");

        assertEquals(1, operationalEvents(db, "invoice_not_deliverable", invoice.invoiceId()));
        assertEquals(0, mailbox.countTo(invoice.customerEmail()));
    }

    @Test
    void anOldEventWhoseInvoiceIsStillOpenIsEmailed(Db db, WebhookClient webhook, StripeApiStub stripe,
                                                    Mailbox mailbox) {
        var invoice = Fixtures.invoiceFinalized().finalizedAt(Instant.now().minus(OLD))
                .customerEmail(uniqueEmail("stillopen")).build();
        stripe.stubInvoice(invoice, 100);

        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        awaitWorkState(db, invoice.eventId(), "done");

        assertEquals(1, mailbox.waitFor(invoice.customerEmail(), 1).size());
        assertEquals(1, invoiceFetches(stripe, invoice), "checked once");
        assertEquals(0, operationalEvents(db, "invoice_not_deliverable", invoice.invoiceId()));
    }

    @Test
    void anInvoiceMarkedUncollectibleDuringAnOutageIsNotEmailedByTheRetry(Db db, WebhookClient webhook,
                                                                          StripeApiStub stripe, Mailbox mailbox,
                                                                          Bucket bucket) {
        // a fresh event: the first attempt trusts the event's copy, and fails because the bucket is down
        var invoice = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("outage")).build();
        stripe.stubInvoice(invoice, 100);
        bucket.stop();
        try {
            assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
            Await.until(WORK_TIMEOUT, () -> operationalEvents(db, "pdf_store_failed", invoice.invoiceId()) >= 1,
                    "the first attempt to fail on the bucket");
            // meanwhile the invoice is marked uncollectible at Stripe
            stripe.stubInvoice(withStatus(invoice.invoiceJson(), "uncollectible"));
        } finally {
            bucket.start();
        }
        awaitWorkState(db, invoice.eventId(), "skipped");

        assertEquals(1, operationalEvents(db, "invoice_not_deliverable", invoice.invoiceId()));
        assertEquals(0, mailbox.countTo(invoice.customerEmail()));
    }
}
