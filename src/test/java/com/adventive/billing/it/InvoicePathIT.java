package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.Bucket;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.ReceivedMail;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.adventive.billing.it.WorkAssertions.awaitWorkState;
import static com.adventive.billing.it.WorkAssertions.invoiceRow;
import static com.adventive.billing.it.WorkAssertions.operationalEvents;
import static com.adventive.billing.it.WorkAssertions.pageCount;
import static com.adventive.billing.it.WorkAssertions.pageText;
import static com.adventive.billing.it.WorkAssertions.pdfText;
import static com.adventive.billing.it.WorkAssertions.sha256;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** invoice.finalized end to end: signed webhook in, PDF in the bucket, one email out. */
@BillingIT
class InvoicePathIT {

    @Test
    void aFinalizedInvoiceIsRenderedStoredAndEmailedOnceWithItsPdf(Db db, WebhookClient webhook, Mailbox mailbox,
                                                                    Bucket bucket) {
        String email = uniqueEmail("happy");
        var invoice = Fixtures.invoiceFinalized()
                .customerEmail(email)
                .customerName("Globex Corporation")
                .number("ADV-2026-0042")
                .line("Growth plan (monthly)", 1, 49_900)
                .line("Managed campaign setup", 3, 12_500)
                .line("Extra seats", 4, 1_999)
                .build();

        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        List<ReceivedMail> mails = mailbox.waitFor(email, 1);
        assertEquals(1, mails.size(), "one invoice email");
        awaitWorkState(db, invoice.eventId(), "done");

        ReceivedMail mail = mails.get(0);
        assertTrue(mail.subject().contains("ADV-2026-0042"), mail.subject());
        assertTrue(mail.subject().contains("$953.96"), mail.subject());
        assertEquals(List.of("billing-noreply@notify.adventive.com"), mail.from());
        assertTrue(mail.text().contains("ADV-2026-0042"), mail.text());
        assertTrue(mail.html().contains("ADV-2026-0042"), mail.html());
        List<ReceivedMail.Attachment> pdfs = mail.attachmentsOfType("application/pdf");
        assertEquals(1, pdfs.size(), "the PDF is attached");

        Map<String, Object> row = invoiceRow(db, invoice.invoiceId());
        String key = invoice.acctId() + "/" + row.get("inv_uuid") + ".pdf";
        assertEquals(key, row.get("pdf_key"));
        byte[] stored = bucket.get(key).orElseThrow(() -> new AssertionError("no PDF at " + key));
        assertArrayEquals(stored, pdfs.get(0).bytes(), "the email carries exactly the stored PDF");
        assertEquals(sha256(stored), row.get("pdf_sha256"));
        assertEquals("application/pdf", bucket.head(key).orElseThrow().contentType());

        String text = pdfText(stored);
        for (String expected : List.of("ADV-2026-0042", "Globex Corporation", "Growth plan (monthly)",
                "Managed campaign setup", "Extra seats", "$499.00", "$375.00", "$79.96", "$953.96")) {
            assertTrue(text.contains(expected), "PDF text lacks " + expected + ":\n" + text);
        }

        String messageId = mail.header("Message-ID");
        assertEquals(1, db.count("SELECT COUNT(*) FROM email_delivery WHERE stripe_invoice_id = ? AND status = 'sent'"
                + " AND message_id = ? AND template = 'invoice_new'", invoice.invoiceId(), messageId));
        assertEquals(1, operationalEvents(db, "pdf_rendered", invoice.invoiceId()));
        assertEquals(1, operationalEvents(db, "email_sent", invoice.invoiceId()));
    }

    @Test
    void duplicateDeliveriesAndARepeatedEventSendOneEmail(Db db, WebhookClient webhook, Mailbox mailbox,
                                                          StripeApiStub stripe) {
        String email = uniqueEmail("dup");
        var first = Fixtures.invoiceFinalized().customerEmail(email).build();
        stripe.stubInvoice(first, 100); // the event that loses a race is retried, and a retry asks Stripe
        // Stripe can also send a second event for the same invoice (e.g. a redelivered copy with a new id)
        String secondEventId = Fixtures.stripeId("evt_", 24);
        String second = first.eventJson().replace(first.eventId(), secondEventId);

        for (int i = 0; i < 3; i++) {
            assertEquals(200, webhook.postSigned(first.eventJson()).statusCode());
        }
        assertEquals(200, webhook.postSigned(second).statusCode());
        awaitWorkState(db, first.eventId(), "done");
        awaitWorkState(db, secondEventId, "done");

        assertEquals(1, mailbox.countTo(email), "exactly one email for one invoice");
        assertEquals(1, db.count("SELECT COUNT(*) FROM email_delivery WHERE stripe_invoice_id = ?", first.invoiceId()));
        assertEquals(1, db.count("SELECT COUNT(*) FROM billing_invoice WHERE stripe_invoice_id = ?", first.invoiceId()));
    }

    @Test
    void linesBeyondTheFirstPageAreFetchedFromStripe(Db db, WebhookClient webhook, Mailbox mailbox, Bucket bucket,
                                                     StripeApiStub stripe) {
        String email = uniqueEmail("pages");
        var invoice = Fixtures.invoiceFinalized().customerEmail(email).lines(25).build();
        stripe.stubInvoice(invoice, 10);

        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        assertEquals(1, mailbox.waitFor(email, 1).size());
        assertTrue(stripe.requestsTo("/v1/invoices/" + invoice.invoiceId() + "/lines") >= 2,
                "remaining line pages were requested");

        String text = pdfText(bucket.get((String) invoiceRow(db, invoice.invoiceId()).get("pdf_key")).orElseThrow());
        assertTrue(text.contains("workspace 1\n") || text.contains("workspace 1 "), text);
        assertTrue(text.contains("workspace 25"), "line 25 (third page) is on the PDF");
    }

    @Test
    void anEventWithoutApiVersionIsWorkedFromTheInvoiceStripeReturns(Db db, WebhookClient webhook, Mailbox mailbox,
                                                                    StripeApiStub stripe) {
        String email = uniqueEmail("nullver");
        var invoice = Fixtures.invoiceFinalized().customerEmail(email).apiVersion(null).build();
        stripe.stubInvoice(invoice, 100);

        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        assertEquals(1, mailbox.waitFor(email, 1).size());
        assertTrue(stripe.requestsTo("/v1/invoices/" + invoice.invoiceId()) >= 1, "invoice re-fetched from Stripe");
    }

    @Test
    void zeroAndThreeDecimalCurrenciesAndJapaneseNamesRenderRight(Db db, WebhookClient webhook, Mailbox mailbox,
                                                                 Bucket bucket) {
        String jpyEmail = uniqueEmail("jpy");
        var yen = Fixtures.invoiceFinalized().currency("jpy").customerEmail(jpyEmail)
                .customerName("株式会社テスト").line("月額プラン", 1, 123_456).build();
        String kwdEmail = uniqueEmail("kwd");
        var dinar = Fixtures.invoiceFinalized().currency("kwd").customerEmail(kwdEmail)
                .customerName("شركة الاختبار").line("Monthly plan", 2, 12_345).build();

        assertEquals(200, webhook.postSigned(yen.eventJson()).statusCode());
        assertEquals(200, webhook.postSigned(dinar.eventJson()).statusCode());
        ReceivedMail yenMail = mailbox.waitFor(jpyEmail, 1).get(0);
        ReceivedMail dinarMail = mailbox.waitFor(kwdEmail, 1).get(0);

        String yenText = pdfText(yenMail.attachmentsOfType("application/pdf").get(0).bytes());
        assertTrue(yenText.contains("株式会社テスト"), "Japanese name extracted as text:\n" + yenText);
        assertTrue(yenText.contains("123,456"), yenText);
        assertFalse(yenText.contains("1,234.56"), "JPY has no minor unit");

        String dinarText = pdfText(dinarMail.attachmentsOfType("application/pdf").get(0).bytes());
        assertTrue(dinarText.contains("24.690"), "KWD has three decimals:\n" + dinarText);
        assertTrue(dinarMail.subject().contains("24.690"), dinarMail.subject());
    }

    @Test
    void aThousandLineInvoicePaginatesWithTheHeaderOnEveryPage(Db db, WebhookClient webhook, Mailbox mailbox,
                                                               Bucket bucket, StripeApiStub stripe) {
        String email = uniqueEmail("long");
        var invoice = Fixtures.invoiceFinalized().customerEmail(email).lines(1000).build();
        stripe.stubInvoice(invoice, 100);

        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        assertEquals(1, mailbox.waitFor(email, 1, Duration.ofSeconds(120)).size());

        Map<String, Object> row = invoiceRow(db, invoice.invoiceId());
        byte[] pdf = bucket.get((String) row.get("pdf_key")).orElseThrow();
        int pages = pageCount(pdf);
        assertTrue(pages > 10, "1,000 lines span many pages, got " + pages);
        assertEquals(pages, ((Number) row.get("pdf_pages")).intValue());
        assertTrue(pageText(pdf, 2).contains("Description"), "table header repeated on page 2");
        assertTrue(pdfText(pdf).contains("workspace 1000"), "the last line is there");
    }

    @Test
    void anAccountStillBilledByTheLegacySystemGetsNoPdfAndNoEmail(Db db, WebhookClient webhook, Mailbox mailbox,
                                                                  Bucket bucket) {
        String email = uniqueEmail("legacy");
        var invoice = Fixtures.invoiceFinalized().customerEmail(email).build();
        db.execute("INSERT INTO billing_account (acct_id, stripe_customer_id, billed_by, display_name, updated_at) "
                + "VALUES (?, NULL, 'legacy', 'Legacy cohort', CURRENT_TIMESTAMP)", invoice.acctId());

        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        awaitWorkState(db, invoice.eventId(), "skipped");

        assertEquals(1, db.count("SELECT COUNT(*) FROM operational_event WHERE event_type = 'double_billing_risk' "
                + "AND acct_id = ? AND stripe_invoice_id = ?", invoice.acctId(), invoice.invoiceId()));
        assertEquals(0, mailbox.countTo(email));
        assertTrue(bucket.keys().stream().noneMatch(k -> k.startsWith(invoice.acctId() + "/")), "no PDF stored");
    }

    @Test
    void anInvoiceWhoseAccountCannotBeResolvedFailsWithTheReason(Db db, WebhookClient webhook, Mailbox mailbox,
                                                                 StripeApiStub stripe) {
        String email = uniqueEmail("orphan");
        var invoice = Fixtures.invoiceFinalized().customerEmail(email).acctId(null).build();
        stripe.stubCustomer(invoice.customerJson());

        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        awaitWorkState(db, invoice.eventId(), "failed");

        assertEquals(1, db.count("SELECT COUNT(*) FROM work_item WHERE event_id = ? AND failure_reason = "
                + "'account_unresolved'", invoice.eventId()));
        assertEquals(1, operationalEvents(db, "account_unresolved", invoice.invoiceId()));
        assertTrue(stripe.requestsTo("/v1/customers/" + invoice.customerId()) >= 1, "customer metadata consulted");
        assertEquals(0, mailbox.countTo(email));
    }

    @Test
    void theAccountTableResolvesAnInvoiceWithoutMetadata(Db db, WebhookClient webhook, Mailbox mailbox,
                                                         StripeApiStub stripe, Bucket bucket) {
        String email = uniqueEmail("table");
        var invoice = Fixtures.invoiceFinalized().customerEmail(email).acctId(null).build();
        stripe.stubCustomer(invoice.customerJson());
        String acctId = "acct_" + Fixtures.stripeId("", 12);
        db.execute("INSERT INTO billing_account (acct_id, stripe_customer_id, billed_by, display_name, updated_at) "
                + "VALUES (?, ?, 'worker', 'Migrated cohort', CURRENT_TIMESTAMP)", acctId, invoice.customerId());

        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        assertEquals(1, mailbox.waitFor(email, 1).size());
        String key = (String) invoiceRow(db, invoice.invoiceId()).get("pdf_key");
        assertTrue(key.startsWith(acctId + "/"), key);
        assertTrue(bucket.get(key).isPresent());
    }
}
