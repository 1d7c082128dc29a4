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

import static com.adventive.billing.it.WorkAssertions.WORK_TIMEOUT;
import static com.adventive.billing.it.WorkAssertions.awaitWorkState;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A crash mid-burst: every acknowledged event is still worked after the restart, and no invoice is
 * emailed twice — every invoice ends done with exactly one email.
 *
 * <p>The kill lands at a known point: every worker holds an item and waits for a Stripe that hangs,
 * the rest of the burst waits in the queue, and the invoices worked before are done. So no worker
 * is between SMTP DATA and its reply, the one moment whose outcome nobody can know
 * (email_outcome_unknown, for an operator); that case has a test of its own with an SMTP server
 * that drops the line.
 */
@BillingIT
class RestartIT {

    private static final int DELIVERED_BEFORE_THE_CRASH = 4;
    private static final int ACKNOWLEDGED_NOT_DONE = 8;
    /** Longer than the whole test: a worker that asks for one of these invoices is held until the kill. */
    private static final Duration STRIPE_HANGS_FOR = Duration.ofMinutes(5);

    @Test
    void aKilledServerLosesNothingAndDuplicatesNothing(Db db, WebhookClient webhook, Mailbox mailbox,
                                                       StripeApiStub stripe) {
        int slots = Math.min(ACKNOWLEDGED_NOT_DONE, BillingServer.workConcurrency());
        // Without api_version the worker fetches each invoice from Stripe before anything else.
        List<Fixtures.FinalizedInvoice> delivered = invoices("delivered", DELIVERED_BEFORE_THE_CRASH);
        for (var invoice : delivered) {
            stripe.stubInvoice(invoice, 100);
            assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        }
        for (var invoice : delivered) {
            awaitWorkState(db, invoice.eventId(), "done");
            assertEquals(1, mailbox.waitFor(invoice.customerEmail(), 1).size());
        }

        List<Fixtures.FinalizedInvoice> pending = invoices("pending", ACKNOWLEDGED_NOT_DONE);
        for (var invoice : pending) {
            stripe.stubInvoice(invoice, 100);
            stripe.stubInvoiceAnsweringAfter(invoice.invoiceJson(), STRIPE_HANGS_FOR);
            assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        }
        Await.until(Duration.ofSeconds(60), () -> running(db, pending) == slots,
                "every one of the " + slots + " workers to hold an item waiting for Stripe");

        BillingServer.killServer();
        for (var invoice : pending) {
            stripe.stubInvoice(invoice.invoiceJson()); // Stripe answers again (the newest stub wins)
        }
        BillingServer.startServer();

        List<Fixtures.FinalizedInvoice> all = new ArrayList<>(delivered);
        all.addAll(pending);
        for (var invoice : all) {
            Await.until(WORK_TIMEOUT, () -> "done".equals(WorkAssertions.workState(db, invoice.eventId())),
                    "work of " + invoice.invoiceId() + " to be done after the restart (state now: "
                            + WorkAssertions.workState(db, invoice.eventId()) + ")");
        }
        for (var invoice : all) {
            assertEquals(1, mailbox.waitFor(invoice.customerEmail(), 1).size(), "one email for " + invoice.invoiceId());
            assertEquals(1, db.count("SELECT COUNT(*) FROM email_delivery WHERE stripe_invoice_id = ? "
                    + "AND status = 'sent'", invoice.invoiceId()), "one sent delivery for " + invoice.invoiceId());
            assertEquals(1, db.count("SELECT COUNT(*) FROM billing_invoice WHERE stripe_invoice_id = ? "
                    + "AND pdf_sha256 IS NOT NULL", invoice.invoiceId()));
        }
        // Asked last, after every wait: a late second email would show here.
        for (var invoice : all) {
            assertEquals(1, mailbox.countTo(invoice.customerEmail()), "never a second email: " + invoice.invoiceId());
        }
    }

    private static List<Fixtures.FinalizedInvoice> invoices(String who, int count) {
        List<Fixtures.FinalizedInvoice> invoices = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            invoices.add(Fixtures.invoiceFinalized().apiVersion(null).customerEmail(uniqueEmail("restart-" + who + i))
                    .lines(20).build());
        }
        return invoices;
    }

    private static long running(Db db, List<Fixtures.FinalizedInvoice> invoices) {
        return invoices.stream().filter(i -> "running".equals(WorkAssertions.workState(db, i.eventId()))).count();
    }
}
