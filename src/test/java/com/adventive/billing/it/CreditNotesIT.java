package com.adventive.billing.it;

import com.adventive.billing.it.support.Await;
import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.ReceivedMail;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.StripeBillingStub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static com.adventive.billing.it.AdminClient.json;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /admin/credit-notes: one Stripe Credit Note per request, and one email with its PDF to the customer. */
@BillingIT
class CreditNotesIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    final AdminClient operator = new AdminClient();

    static String creditNote(String invoiceId, long amount) {
        return "{\"invoice_id\":\"" + invoiceId + "\",\"amount\":" + amount + ",\"reason\":\"duplicate\","
                + "\"memo\":\"Impressions of 4 November were counted twice\"}";
    }

    @Test
    void aCreditNoteAskedForTwiceIsOneStripeCallAndOneEmailWithItsPdf(Db db, StripeApiStub stripe, Mailbox mailbox) {
        String email = uniqueEmail("credit");
        var invoice = Fixtures.invoiceFinalized().customerEmail(email).number("ADV-0042").build();
        stripe.stubInvoice(invoice, 100);
        String creditNoteId = Fixtures.stripeId("cn_", 24);
        new StripeBillingStub(stripe).creditNotesAnswering(creditNoteId, "ADV-0042-CN-01", invoice.invoiceId(), 1500, "usd");

        HttpResponse<String> first = operator.post("/admin/credit-notes", creditNote(invoice.invoiceId(), 1500));
        assertEquals(201, first.statusCode(), first.body());
        assertEquals("issued", json(first).getString("status"));
        assertEquals(creditNoteId, json(first).getString("credit_note_id"));
        HttpResponse<String> again = operator.post("/admin/credit-notes", creditNote(invoice.invoiceId(), 1500));
        assertEquals(200, again.statusCode(), again.body());
        assertEquals("duplicate", json(again).getString("status"));

        var calls = stripe.requests("POST", StripeBillingStub.CREDIT_NOTES);
        assertEquals(1, calls.size(), "one Stripe call for one credit note");
        String form = URLDecoder.decode(calls.get(0).getBodyAsString(), StandardCharsets.UTF_8);
        assertTrue(form.contains("invoice=" + invoice.invoiceId()) && form.contains("amount=1500")
                && form.contains("reason=duplicate"), form);
        assertTrue(calls.get(0).getHeader("Idempotency-Key").startsWith("credit_note_"));

        List<ReceivedMail> received = mailbox.waitFor(email, 1);
        ReceivedMail mail = received.get(0);
        assertTrue(mail.subject().contains("Credit note ADV-0042-CN-01") && mail.subject().contains("$15.00"), mail.subject());
        assertTrue(mail.text().contains("Duplicate charge") && mail.text().contains("counted twice"), mail.text());
        List<ReceivedMail.Attachment> pdfs = mail.attachmentsOfType("application/pdf");
        assertEquals(1, pdfs.size());
        assertEquals("credit-note-ADV-0042-CN-01.pdf", pdfs.get(0).fileName());
        assertTrue(new String(pdfs.get(0).bytes(), 0, 5, StandardCharsets.ISO_8859_1).startsWith("%PDF-"));

        // The email's work runs again (a redelivered message, a sweep): the claim says sent, nothing goes out.
        Await.until(TIMEOUT, () -> db.count("SELECT COUNT(*) FROM work_item WHERE kind = 'credit_note.email' "
                + "AND state = 'done' AND subject IN (SELECT CAST(id AS VARCHAR(30)) FROM credit_note_request "
                + "WHERE stripe_invoice_id = ?)", invoice.invoiceId()) == 1, "the email's work to finish");
        long workId = db.count("SELECT id FROM work_item WHERE kind = 'credit_note.email' AND subject IN "
                + "(SELECT CAST(id AS VARCHAR(30)) FROM credit_note_request WHERE stripe_invoice_id = ?)", invoice.invoiceId());
        db.execute("UPDATE work_item SET state = 'pending', next_attempt_at = CURRENT_TIMESTAMP, enqueued_at = NULL, "
                + "lease_until = NULL WHERE id = ?", workId);
        Await.until(TIMEOUT, () -> db.count("SELECT COUNT(*) FROM work_item WHERE id = ? AND state = 'done' "
                + "AND attempts > 1", workId) == 1, "the re-run to finish");
        assertEquals(1, mailbox.countTo(email), "one email for one credit note");
        assertEquals(1, db.count("SELECT COUNT(*) FROM email_delivery WHERE template = 'credit_note' AND status = 'sent' "
                + "AND dedupe_key = ?", "credit_note:" + creditNoteId));
        assertTrue(db.count("SELECT COUNT(*) FROM admin_audit WHERE path LIKE '%/admin/credit-notes'") >= 2, "audited");
    }

    @Test
    void aLegacyBilledInvoiceGetsNoCreditNoteHere(Db db, StripeApiStub stripe, Mailbox mailbox) {
        String email = uniqueEmail("credit-legacy");
        var invoice = Fixtures.invoiceFinalized().customerEmail(email).build();
        db.execute("INSERT INTO billing_account (acct_id, stripe_customer_id, billed_by, display_name, updated_at) "
                + "VALUES (?, ?, 'legacy', 'Legacy', CURRENT_TIMESTAMP)", invoice.acctId(), invoice.customerId());
        stripe.stubInvoice(invoice, 100);
        new StripeBillingStub(stripe).creditNotesAnswering(Fixtures.stripeId("cn_", 24), "X-1", invoice.invoiceId(), 100, "usd");
        HttpResponse<String> refused = operator.post("/admin/credit-notes", creditNote(invoice.invoiceId(), 100));
        assertEquals(409, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("legacy_account"), refused.body());
        assertEquals(0, stripe.requests("POST", StripeBillingStub.CREDIT_NOTES).stream()
                .filter(r -> r.getBodyAsString().contains(invoice.invoiceId())).count());
        assertEquals(0, mailbox.countTo(email));
    }

    @Test
    void aRequestWithBothAmountAndLinesOrAnUnknownReasonIsRefused(StripeApiStub stripe) {
        assertEquals(400, operator.post("/admin/credit-notes", "{\"invoice_id\":\"in_harness1\",\"amount\":100,"
                + "\"lines\":[{\"description\":\"x\",\"amount\":100}]}").statusCode());
        assertEquals(400, operator.post("/admin/credit-notes",
                "{\"invoice_id\":\"in_harness1\",\"amount\":100,\"reason\":\"because\"}").statusCode());
        assertEquals(400, operator.post("/admin/credit-notes", "{\"invoice_id\":\"in_harness1\"}").statusCode());
        assertEquals(0, stripe.requests("POST", StripeBillingStub.CREDIT_NOTES).stream()
                .filter(r -> r.getBodyAsString().contains("in_harness1")).count());
    }
}
