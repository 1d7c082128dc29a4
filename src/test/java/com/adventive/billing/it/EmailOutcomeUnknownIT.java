package com.adventive.billing.it;

import com.adventive.billing.it.support.Await;
import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.DroppingSmtpServer;
import com.adventive.billing.it.support.DroppingSmtpServer.Behaviour;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.ReceivedMail;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.adventive.billing.it.AdminClient.json;
import static com.adventive.billing.it.WorkAssertions.WORK_TIMEOUT;
import static com.adventive.billing.it.WorkAssertions.awaitWorkState;
import static com.adventive.billing.it.WorkAssertions.operationalEvents;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10, part 2: once SMTP has the whole message, a failure without an answer must not send
 * the invoice again, whatever the retry settings. The worker is pointed (through SECRETS_DIR, read
 * on every use) at an SMTP server of the test's own that receives the message and then drops the
 * line, never answers, or answers 250 and resets on QUIT; it counts every message body it received.
 */
@BillingIT
class EmailOutcomeUnknownIT {

    private static final List<String> SETTINGS = List.of("SMTP_HOST", "SMTP_PORT", "SMTP_TIMEOUT_SECONDS",
            "WORK_MAX_ATTEMPTS", "WORK_RETRY_BASE_SECONDS");

    private final AdminClient admin = new AdminClient();
    private DroppingSmtpServer smtp;

    @BeforeEach
    void pointTheWorkerAtTheDroppingServer() {
        smtp = DroppingSmtpServer.start();
        BillingServer.writeSecret("SMTP_HOST", smtp.host());
        BillingServer.writeSecret("SMTP_PORT", Integer.toString(smtp.port()));
        BillingServer.writeSecret("SMTP_TIMEOUT_SECONDS", "2");
        BillingServer.writeSecret("WORK_MAX_ATTEMPTS", "3");
        BillingServer.writeSecret("WORK_RETRY_BASE_SECONDS", "1");
        admin.register();
    }

    @AfterEach
    void backToGreenMail() {
        SETTINGS.forEach(BillingServer::removeSecret);
        admin.unregister();
        smtp.close();
    }

    @Test
    void aDropAfterTheMessageIsSentOnceAndLeftToTheOperatorWhoResends(Db db, WebhookClient webhook, Mailbox mailbox,
                                                                      StripeApiStub stripe) {
        smtp.behave(Behaviour.DROP_AFTER_DATA);
        var invoice = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("dropped")).build();
        stripe.stubInvoice(invoice, 100);
        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());

        assertLeftAsOutcomeUnknown(db, invoice);

        // Retrying the work item does not send the same email again: it stays for the operator to decide.
        long workItem = ((Number) db.rows("SELECT id FROM work_item WHERE event_id = ?", invoice.eventId())
                .get(0).get("id")).longValue();
        HttpResponse<String> retried = admin.post("/admin/work/" + workItem + "/retry", null);
        assertEquals(200, retried.statusCode(), retried.body());
        Await.until(WORK_TIMEOUT, () -> operationalEvents(db, "email_outcome_unknown", invoice.invoiceId()) == 2
                && "failed".equals(WorkAssertions.workState(db, invoice.eventId())), "the retried item to fail again");
        assertEquals(1, smtp.transmissionsTo(invoice.customerEmail()), "still exactly one transmission");

        // The way out: the operator checks the provider's log, then resends (a new email, invoice_notify).
        SETTINGS.forEach(BillingServer::removeSecret);
        HttpResponse<String> resend = admin.post("/admin/resend-invoice", "{\"invoice_id\":\"" + invoice.invoiceId() + "\"}");
        assertEquals(200, resend.statusCode(), resend.body());
        List<ReceivedMail> received = mailbox.waitFor(invoice.customerEmail(), 1);
        assertEquals(1, received.size());
        assertEquals(json(resend).getString("message_id"), received.get(0).header("Message-ID"));
        assertEquals(1, smtp.transmissionsTo(invoice.customerEmail()), "the resend went to the real server only");

        JsonObject dossier = json(admin.get("/admin/invoices/" + invoice.invoiceId()));
        Map<String, String> statusByTemplate = new HashMap<>();
        dossier.getJsonArray("emails").forEach(e -> statusByTemplate.put(e.asJsonObject().getString("template"),
                e.asJsonObject().getString("status")));
        assertEquals(Map.of("invoice_new", "outcome_unknown", "invoice_notify", "sent"), statusByTemplate);
    }

    @Test
    void noAnswerToTheMessageIsSentOnceAndLeftToTheOperator(Db db, WebhookClient webhook) {
        smtp.behave(Behaviour.SILENT_AFTER_DATA);
        var invoice = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("silent")).build();
        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());

        assertLeftAsOutcomeUnknown(db, invoice);
    }

    @Test
    void aResetOnQuitAfter250IsASentEmail(Db db, WebhookClient webhook) {
        smtp.behave(Behaviour.ACCEPT_THEN_RESET_ON_QUIT);
        var invoice = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("quit")).build();
        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());

        awaitWorkState(db, invoice.eventId(), "done");
        assertEquals(1, smtp.transmissionsTo(invoice.customerEmail()));
        assertEquals(1, db.count("SELECT COUNT(*) FROM email_delivery WHERE stripe_invoice_id = ? AND status = 'sent' "
                + "AND attempts = 1", invoice.invoiceId()));
        assertEquals(1, operationalEvents(db, "email_sent", invoice.invoiceId()));
        assertEquals(0, operationalEvents(db, "email_failed", invoice.invoiceId()));
    }

    @Test
    void aRefusedRecipientIsRetriedBecauseNothingWasTransmitted(Db db, WebhookClient webhook, StripeApiStub stripe) {
        smtp.behave(Behaviour.REFUSE_RECIPIENT);
        var invoice = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("rcpt451")).build();
        stripe.stubInvoice(invoice, 100); // a retry asks Stripe for the invoice's current status
        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        Await.until(WORK_TIMEOUT, () -> operationalEvents(db, "email_failed", invoice.invoiceId()) >= 1,
                "the refused recipient to be recorded");
        assertEquals(0, smtp.transmissionsTo(invoice.customerEmail()));
        assertEquals(1, db.count("SELECT COUNT(*) FROM email_delivery WHERE stripe_invoice_id = ? AND status = 'failed'",
                invoice.invoiceId()));

        smtp.behave(Behaviour.ACCEPT);
        awaitWorkState(db, invoice.eventId(), "done");
        assertEquals(1, smtp.transmissionsTo(invoice.customerEmail()), "sent on the retry, once");
        assertEquals(1, db.count("SELECT COUNT(*) FROM email_delivery WHERE stripe_invoice_id = ? AND status = 'sent' "
                + "AND attempts >= 2", invoice.invoiceId()));
        assertEquals(0, operationalEvents(db, "email_outcome_unknown", invoice.invoiceId()));
    }

    /** One transmission, no retry, and the dossier says what happened. */
    private void assertLeftAsOutcomeUnknown(Db db, Fixtures.FinalizedInvoice invoice) {
        awaitWorkState(db, invoice.eventId(), "failed");
        assertEquals(1, smtp.transmissionsTo(invoice.customerEmail()), "exactly one transmission");
        Map<String, Object> item = db.rows("SELECT attempts, failure_reason FROM work_item WHERE event_id = ?",
                invoice.eventId()).get(0);
        assertEquals("email_outcome_unknown", item.get("failure_reason"));
        assertEquals(1, ((Number) item.get("attempts")).intValue(), "no automatic second attempt");
        assertEquals(1, db.count("SELECT COUNT(*) FROM email_delivery WHERE stripe_invoice_id = ? "
                + "AND status = 'outcome_unknown' AND last_error IS NOT NULL", invoice.invoiceId()));
        assertEquals(1, operationalEvents(db, "email_outcome_unknown", invoice.invoiceId()));
        assertEquals(0, operationalEvents(db, "email_failed", invoice.invoiceId()));

        HttpResponse<String> response = admin.get("/admin/invoices/" + invoice.invoiceId());
        assertEquals(200, response.statusCode(), response.body());
        JsonObject dossier = json(response);
        JsonObject email = dossier.getJsonArray("emails").getJsonObject(0);
        assertEquals("outcome_unknown", email.getString("status"));
        assertTrue(email.getString("last_error").contains("no reply"), email.toString());
        JsonObject work = dossier.getJsonArray("work").getJsonObject(0);
        assertEquals("failed", work.getString("state"));
        assertEquals("email_outcome_unknown", work.getString("failure_reason"));
    }
}
