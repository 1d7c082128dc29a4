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
        var invoice = Fixtures.invoiceFinalized().customerEmail(email).build();
        stripe.stubInvoice(invoice, 100); // a retry asks Stripe for the invoice's current status
        bucket.stop();
        try {
            assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
            Await.until(WORK_TIMEOUT, () -> operationalEvents(db, "pdf_store_failed", invoice.invoiceId()) >= 1,
                    "the failed store to be recorded");
            assertEquals(0, mailbox.countTo(email), "no email without a stored PDF");
            assertEquals(1, db.count("SELECT COUNT(*) FROM work_item WHERE event_id = ? AND state IN ('pending', "
                    + "'running') AND attempts >= 1", invoice.eventId()), "the work waits for a retry");
        } finally {
            bucket.start();
        }
        assertEquals(1, mailbox.waitFor(email, 1).size());
        awaitWorkState(db, invoice.eventId(), "done");
        assertEquals(1, mailbox.countTo(email), "exactly one email after recovery");
        assertTrue(db.count("SELECT COUNT(*) FROM work_item WHERE event_id = ? AND attempts >= 2",
                invoice.eventId()) == 1, "delivered by a retry");
    }

    @Test
    void withSmtpDownTheSendIsRetriedAndOneEmailArrives(Db db, WebhookClient webhook, Mailbox mailbox,
                                                        SmtpControl smtp, StripeApiStub stripe) {
        String email = uniqueEmail("smtpdown");
        var invoice = Fixtures.invoiceFinalized().customerEmail(email).build();
        stripe.stubInvoice(invoice, 100); // a retry asks Stripe for the invoice's current status
        smtp.stop();
        try {
            assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
            Await.until(WORK_TIMEOUT, () -> operationalEvents(db, "email_failed", invoice.invoiceId()) >= 1,
                    "the failed send to be recorded");
            assertEquals(1, db.count("SELECT COUNT(*) FROM email_delivery WHERE stripe_invoice_id = ? "
                    + "AND status = 'failed' AND last_error IS NOT NULL", invoice.invoiceId()));
        } finally {
            smtp.start();
        }
        assertEquals(1, mailbox.waitFor(email, 1).size());
        awaitWorkState(db, invoice.eventId(), "done");
        assertEquals(1, mailbox.countTo(email));
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
}
