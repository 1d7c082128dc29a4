package com.adventive.billing.it;

import com.adventive.billing.it.support.Await;
import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A crash mid-burst: every acknowledged event is still worked after the restart, and no invoice is
 * emailed twice. The one case the worker cannot decide — killed while transmitting a message to
 * SMTP — ends as a failed item with reason email_outcome_unknown for an operator, never a resend.
 */
@BillingIT
class RestartIT {

    private static final int BURST = 12;

    @Test
    void aKilledServerLosesNothingAndDuplicatesNothing(Db db, WebhookClient webhook, Mailbox mailbox,
                                                       StripeApiStub stripe) {
        List<Fixtures.FinalizedInvoice> invoices = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            var invoice = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("restart" + i)).lines(60).build();
            stripe.stubInvoice(invoice, 100);
            invoices.add(invoice);
            assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        }
        Await.until(Duration.ofSeconds(60), () -> invoices.stream().anyMatch(i -> mailbox.countTo(i.customerEmail()) > 0),
                "the burst to be under way");

        BillingServer.killServer();
        BillingServer.startServer();

        for (var invoice : invoices) {
            Await.until(WorkAssertions.WORK_TIMEOUT, () -> {
                String state = WorkAssertions.workState(db, invoice.eventId());
                return "done".equals(state) || "failed".equals(state);
            }, "work of " + invoice.invoiceId() + " to finish after the restart");
        }
        for (var invoice : invoices) {
            int emails = mailbox.countTo(invoice.customerEmail());
            assertTrue(emails <= 1, "never a second email: " + invoice.invoiceId() + " got " + emails);
            if ("done".equals(WorkAssertions.workState(db, invoice.eventId()))) {
                assertEquals(1, emails, "one email for " + invoice.invoiceId());
                assertEquals(1, db.count("SELECT COUNT(*) FROM billing_invoice WHERE stripe_invoice_id = ? "
                        + "AND pdf_sha256 IS NOT NULL", invoice.invoiceId()));
            } else {
                // killed while transmitting to SMTP: not resent blindly, handed to an operator instead
                assertEquals(1, db.count("SELECT COUNT(*) FROM work_item WHERE event_id = ? "
                        + "AND failure_reason = 'email_outcome_unknown'", invoice.eventId()), invoice.invoiceId());
                assertEquals(1, db.count("SELECT COUNT(*) FROM operational_event WHERE event_type = "
                        + "'email_outcome_unknown' AND stripe_invoice_id = ?", invoice.invoiceId()));
            }
        }
    }
}
