package com.adventive.billing.it;

import com.adventive.billing.it.support.Await;
import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.Bucket;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.SmtpControl;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import org.junit.jupiter.api.Test;

import static com.adventive.billing.it.WorkAssertions.WORK_TIMEOUT;
import static com.adventive.billing.it.WorkAssertions.awaitWorkState;
import static com.adventive.billing.it.WorkAssertions.operationalEvents;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Outages of the bucket and of SMTP: nothing is emailed without its PDF, and recovery sends exactly once. */
@BillingIT
class FailureRecoveryIT {

    @Test
    void withTheBucketDownNoEmailLeavesThenOneDoesOnceItIsBack(Db db, WebhookClient webhook, Mailbox mailbox,
                                                               Bucket bucket, StripeApiStub stripe) {
        String email = uniqueEmail("bucketdown");
        var invoice = invoiceStripeServes(stripe, email);
        bucket.stop();
        try {
            postAndAwaitEvent(db, webhook, invoice, "pdf_store_failed");
            assertEquals(0, mailbox.countTo(email), "no email without a stored PDF");
            assertEquals(1, db.count("SELECT COUNT(*) FROM work_item WHERE event_id = ? AND state IN ('pending', "
                    + "'running') AND attempts >= 1", invoice.eventId()), "the work waits for a retry");
        } finally {
            bucket.start();
        }
        assertOneEmailOnceDone(db, mailbox, invoice, email);
        assertTrue(db.count("SELECT COUNT(*) FROM work_item WHERE event_id = ? AND attempts >= 2",
                invoice.eventId()) == 1, "delivered by a retry");
    }

    @Test
    void withSmtpDownTheSendIsRetriedAndOneEmailArrives(Db db, WebhookClient webhook, Mailbox mailbox,
                                                        SmtpControl smtp, StripeApiStub stripe) {
        String email = uniqueEmail("smtpdown");
        var invoice = invoiceStripeServes(stripe, email);
        smtp.stop();
        try {
            postAndAwaitEvent(db, webhook, invoice, "email_failed");
            assertEquals(1, db.count("SELECT COUNT(*) FROM email_delivery WHERE stripe_invoice_id = ? "
                    + "AND status = 'failed' AND last_error IS NOT NULL", invoice.invoiceId()));
        } finally {
            smtp.start();
        }
        assertOneEmailOnceDone(db, mailbox, invoice, email);
        assertEquals(1, db.count("SELECT COUNT(*) FROM email_delivery WHERE stripe_invoice_id = ? AND status = 'sent' "
                + "AND attempts >= 2", invoice.invoiceId()), "one delivery row, sent on a later attempt");
    }

    @Test
    void aSuppressedRecipientGetsNoEmailAndTheReasonIsRecorded(Db db, WebhookClient webhook, Mailbox mailbox) {
        String email = uniqueEmail("suppressed");
        db.execute("INSERT INTO email_suppression (email, reason, created_at) VALUES (?, 'unsubscribed', "
                + "CURRENT_TIMESTAMP)", email.toLowerCase());
        var invoice = Fixtures.invoiceFinalized().customerEmail(email).build();
        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        awaitWorkState(db, invoice.eventId(), "done");
        assertEquals(1, operationalEvents(db, "email_suppressed", invoice.invoiceId()));
        assertEquals(1, operationalEvents(db, "pdf_rendered", invoice.invoiceId()), "the PDF is still stored");
        assertEquals(0, mailbox.countTo(email));
    }

    /** A new customer's invoice.finalized, which Stripe serves too: a retry asks Stripe for its current status. */
    private static Fixtures.FinalizedInvoice invoiceStripeServes(StripeApiStub stripe, String email) {
        var invoice = Fixtures.invoiceFinalized().customerEmail(email).build();
        stripe.stubInvoice(invoice, 100);
        return invoice;
    }

    /** Posts the invoice's event (taken: 200) and waits until its work has recorded {@code eventType}. */
    private static void postAndAwaitEvent(Db db, WebhookClient webhook, Fixtures.FinalizedInvoice invoice,
                                          String eventType) {
        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        Await.until(WORK_TIMEOUT, () -> operationalEvents(db, eventType, invoice.invoiceId()) >= 1,
                eventType + " to be recorded");
    }

    /** After the outage: the email arrives, the work ends done, and no second email follows. */
    private static void assertOneEmailOnceDone(Db db, Mailbox mailbox, Fixtures.FinalizedInvoice invoice, String email) {
        assertEquals(1, mailbox.waitFor(email, 1).size());
        awaitWorkState(db, invoice.eventId(), "done");
        assertEquals(1, mailbox.countTo(email), "exactly one email after recovery");
    }
}
