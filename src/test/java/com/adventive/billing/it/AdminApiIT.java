package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.Bucket;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.ReceivedMail;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.StripeInvoiceList;
import com.adventive.billing.it.support.WebhookClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.List;

import static com.adventive.billing.it.AdminClient.json;
import static com.adventive.billing.it.WorkAssertions.awaitWorkState;
import static com.adventive.billing.it.WorkAssertions.sha256;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every admin endpoint's happy path and its refusals, with a valid service token. */
@BillingIT
class AdminApiIT {

    @RegisterExtension
    final AdminClient admin = new AdminClient();

    private static Fixtures.FinalizedInvoice delivered(Db db, WebhookClient webhook, Mailbox mailbox,
                                                       StripeApiStub stripe, String who) {
        var invoice = Fixtures.invoiceFinalized().customerEmail(uniqueEmail(who)).build();
        stripe.stubInvoice(invoice, 100);
        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        awaitWorkState(db, invoice.eventId(), "done");
        assertEquals(1, mailbox.waitFor(invoice.customerEmail(), 1).size());
        return invoice;
    }

    @Test
    void resendSendsExactlyOneNewEmailWithTheSamePdfBytes(Db db, WebhookClient webhook, Mailbox mailbox,
                                                          StripeApiStub stripe, Bucket bucket) {
        var invoice = delivered(db, webhook, mailbox, stripe, "resend");
        ReceivedMail original = mailbox.messagesTo(invoice.customerEmail()).get(0);
        int invoiceFetchesBefore = stripe.requests("GET", "/v1/invoices/" + invoice.invoiceId()).size();
        long storedEventsBefore = db.count("SELECT COUNT(*) FROM stripe_event");

        HttpResponse<String> response = admin.post("/admin/resend-invoice",
                "{\"invoice_id\":\"" + invoice.invoiceId() + "\"}");
        assertEquals(200, response.statusCode(), response.body());
        JsonObject answer = json(response);

        List<ReceivedMail> mails = mailbox.waitFor(invoice.customerEmail(), 2);
        assertEquals(2, mails.size(), "the original and exactly one resend");
        ReceivedMail resent = mails.get(1);
        assertEquals(answer.getString("message_id"), resent.header("Message-ID"));
        assertNotEquals(original.header("Message-ID"), resent.header("Message-ID"));
        byte[] originalPdf = original.attachmentsOfType("application/pdf").get(0).bytes();
        byte[] resentPdf = resent.attachmentsOfType("application/pdf").get(0).bytes();
        assertArrayEquals(originalPdf, resentPdf, "the same invoice renders to the same bytes");
        assertEquals(sha256(resentPdf), answer.getJsonObject("pdf").getString("sha256"));
        assertTrue(bucket.get(answer.getJsonObject("pdf").getString("key")).isPresent());
        // "It creates no Stripe event": it only reads from Stripe (the journal shows the re-fetch), never
        // posts an invoice action or anything else that would make Stripe emit an event, and the
        // worker records no event of its own either.
        assertTrue(stripe.requests("GET", "/v1/invoices/" + invoice.invoiceId()).size() > invoiceFetchesBefore,
                "the resend re-fetched the invoice from Stripe");
        assertEquals(List.of(), stripe.changingRequests("/").stream().map(r -> r.getMethod() + " " + r.getUrl()).toList(),
                "no request that changes anything at Stripe");
        assertEquals(storedEventsBefore, db.count("SELECT COUNT(*) FROM stripe_event"), "no stored event added");
        assertEquals(1, db.count("SELECT COUNT(*) FROM email_delivery WHERE stripe_invoice_id = ? "
                + "AND template = 'invoice_notify' AND status = 'sent'", invoice.invoiceId()));
    }

    @Test
    void renderPdfStoresWithoutEmailAndAnswersItsFigures(Db db, WebhookClient webhook, Mailbox mailbox,
                                                         StripeApiStub stripe, Bucket bucket) {
        var invoice = delivered(db, webhook, mailbox, stripe, "render");
        HttpResponse<String> response = admin.post("/admin/render-pdf",
                "{\"invoice_id\":\"" + invoice.invoiceId() + "\"}");
        assertEquals(200, response.statusCode(), response.body());
        JsonObject answer = json(response);
        byte[] stored = bucket.get(answer.getString("key")).orElseThrow();
        assertEquals(stored.length, answer.getJsonNumber("size").longValue());
        assertEquals(sha256(stored), answer.getString("sha256"));
        assertTrue(answer.containsKey("render_millis"));
        assertEquals(1, mailbox.countTo(invoice.customerEmail()), "render-pdf sends no email");
    }

    @Test
    void theDossierTellsTheWholeStoryOfOneInvoice(Db db, WebhookClient webhook, Mailbox mailbox,
                                                  StripeApiStub stripe) {
        var invoice = delivered(db, webhook, mailbox, stripe, "dossier");
        HttpResponse<String> response = admin.get("/admin/invoices/" + invoice.invoiceId());
        assertEquals(200, response.statusCode(), response.body());
        JsonObject dossier = json(response);
        assertEquals(invoice.acctId(), dossier.getString("acct_id"));
        assertEquals(invoice.eventId(), dossier.getJsonArray("events").getJsonObject(0).getString("event_id"));
        assertEquals("done", dossier.getJsonArray("work").getJsonObject(0).getString("state"));
        JsonObject email = dossier.getJsonArray("emails").getJsonObject(0);
        assertEquals("sent", email.getString("status"));
        assertEquals(mailbox.messagesTo(invoice.customerEmail()).get(0).header("Message-ID"),
                email.getString("message_id"));
        String key = dossier.getJsonObject("pdf").getString("key");
        assertTrue(key.startsWith(invoice.acctId() + "/" + dossier.getString("inv_uuid")), key);

        HttpResponse<byte[]> pdf = admin.getBytes("/admin/invoices/" + invoice.invoiceId() + "/pdf");
        assertEquals(200, pdf.statusCode());
        assertEquals("application/pdf", pdf.headers().firstValue("Content-Type").orElse(""));
        assertEquals(dossier.getJsonObject("pdf").getString("sha256"), sha256(pdf.body()));
    }

    @Test
    void malformedIdsAre400AndUnknownOnes404(StripeApiStub stripe) {
        for (String path : List.of("/admin/invoices/not-an-id", "/admin/invoices/in_x'--", "/admin/work/abc/retry",
                "/admin/events?account=nope", "/admin/events?since=yesterday", "/admin/events?limit=0",
                "/admin/work?state=bogus")) {
            HttpResponse<String> response = path.endsWith("/retry") ? admin.post(path, null) : admin.get(path);
            assertEquals(400, response.statusCode(), path + " → " + response.body());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                    path);
            assertTrue(json(response).getString("detail").length() > 10, "a detail that helps: " + response.body());
        }
        assertEquals(400, admin.post("/admin/resend-invoice", "{\"invoice_id\":\"../../etc\"}").statusCode());
        assertEquals(400, admin.post("/admin/resend-invoice", "{}").statusCode());
        assertEquals(400, admin.post("/admin/render-pdf", "not json").statusCode());

        assertEquals(404, admin.get("/admin/invoices/in_Unknown000000000000000").statusCode());
        assertEquals(404, admin.get("/admin/invoices/in_Unknown000000000000000/pdf").statusCode());
        assertEquals(404, admin.post("/admin/work/999999999/retry", null).statusCode());
        HttpResponse<String> unknownAtStripe = admin.post("/admin/resend-invoice",
                "{\"invoice_id\":\"in_NotAtStripe0000000000000\"}");
        assertEquals(404, unknownAtStripe.statusCode(), unknownAtStripe.body());
    }

    @Test
    void failedWorkIsListedAndRetriedOnlyWhenFailed(Db db, WebhookClient webhook, StripeApiStub stripe,
                                                    Mailbox mailbox) {
        var orphan = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("orphan")).acctId(null).build();
        stripe.stubCustomer(orphan.customerJson());
        assertEquals(200, webhook.postSigned(orphan.eventJson()).statusCode());
        awaitWorkState(db, orphan.eventId(), "failed");
        long id = (Long) db.rows("SELECT id FROM work_item WHERE event_id = ?", orphan.eventId()).get(0).get("id");

        HttpResponse<String> failed = admin.get("/admin/work?state=failed&limit=500");
        assertEquals(200, failed.statusCode());
        assertTrue(json(failed).getJsonArray("items").stream().map(v -> v.asJsonObject())
                .anyMatch(w -> w.getJsonNumber("id").longValue() == id
                        && "account_unresolved".equals(w.getString("failure_reason"))), failed.body());

        // the operator fixes the cause (the account now exists for the customer), then retries
        db.execute("INSERT INTO billing_account (acct_id, stripe_customer_id, billed_by, display_name, updated_at) "
                + "VALUES (?, ?, 'worker', 'Fixed by operator', CURRENT_TIMESTAMP)",
                "acct_" + Fixtures.stripeId("", 12), orphan.customerId());
        HttpResponse<String> retried = admin.post("/admin/work/" + id + "/retry", null);
        assertEquals(200, retried.statusCode(), retried.body());
        awaitWorkState(db, orphan.eventId(), "done");
        assertEquals(1, mailbox.waitFor(orphan.customerEmail(), 1).size());

        HttpResponse<String> again = admin.post("/admin/work/" + id + "/retry", null);
        assertEquals(409, again.statusCode(), "a done item cannot be retried: " + again.body());
    }

    @Test
    void operationalEventsAreFilteredAndPagedNewestFirst(Db db, WebhookClient webhook, Mailbox mailbox,
                                                         StripeApiStub stripe) {
        // Two email_sent events of its own, so the second page exists whatever ran before.
        var older = delivered(db, webhook, mailbox, stripe, "events-older");
        var newer = delivered(db, webhook, mailbox, stripe, "events-newer");

        HttpResponse<String> first = admin.get("/admin/events?type=email_sent&limit=1");
        assertEquals(200, first.statusCode(), first.body());
        JsonObject page = json(first);
        assertEquals(1, page.getJsonArray("items").size());
        JsonObject newest = page.getJsonArray("items").getJsonObject(0);
        assertEquals("email_sent", newest.getString("type"));
        assertEquals(newer.invoiceId(), newest.getString("invoice_id"), "newest first");
        assertFalse(page.isNull("next_before_id"), "more pages to read");
        long cursor = page.getJsonNumber("next_before_id").longValue();

        JsonObject second = json(admin.get("/admin/events?type=email_sent&limit=1&before_id=" + cursor));
        JsonObject next = second.getJsonArray("items").getJsonObject(0);
        assertTrue(next.getJsonNumber("id").longValue() < cursor);
        assertEquals("email_sent", next.getString("type"));
        assertEquals(older.invoiceId(), next.getString("invoice_id"), "the page after holds the one before");

        JsonObject byAccount = json(admin.get("/admin/events?account=" + newer.acctId()));
        assertTrue(byAccount.getJsonArray("items").stream().map(e -> e.asJsonObject().getString("type"))
                .toList().containsAll(List.of("pdf_rendered", "email_sent")), byAccount.toString());
        assertTrue(byAccount.getJsonArray("items").stream()
                .allMatch(e -> newer.acctId().equals(e.asJsonObject().getString("acct_id"))), byAccount.toString());
        JsonObject future = json(admin.get("/admin/events?since=2999-01-01T00:00:00Z"));
        assertEquals(0, future.getJsonArray("items").size());
    }

    @Test
    void reconcileReportsInvoicesThatNeverReachedTheCustomer(Db db, WebhookClient webhook, StripeApiStub stripe,
                                                             Mailbox mailbox) {
        var delivered = delivered(db, webhook, mailbox, stripe, "reconciled");
        var orphan = Fixtures.invoiceFinalized().acctId(null).build();
        stripe.stubCustomer(orphan.customerJson());
        assertEquals(200, webhook.postSigned(orphan.eventJson()).statusCode());
        awaitWorkState(db, orphan.eventId(), "failed");

        // reconciliation also lists the period's Stripe invoices and prices their lines: Stripe has the delivered one
        StripeInvoiceList.serve(stripe, java.util.List.of(delivered.invoiceJson()), 100);
        stripe.stubPrice(Fixtures.price(delivered.priceId(), "usd", 1500));
        var answer = admin.get("/admin/reconcile");
        assertEquals(200, answer.statusCode(), answer.body());
        JsonObject summary = json(answer);
        assertEquals("drift", summary.getString("status"), summary.toString());
        assertTrue(summary.getJsonNumber("drift_count").longValue() >= 1);
        assertTrue(summary.getJsonNumber("accounts_checked").longValue() >= 1, "the delivered invoice's account");
        assertTrue(summary.getJsonNumber("invoices_checked").longValue() >= 1);
        assertFalse(summary.containsKey("drifts") && !summary.isNull("drifts"), "detail only on request");

        JsonObject detail = json(admin.get("/admin/reconcile?detail=true"));
        assertTrue(detail.getJsonArray("drifts").stream().map(v -> v.asJsonObject())
                .anyMatch(d -> "work_failed".equals(d.getString("kind"))
                        && orphan.invoiceId().equals(d.getString("invoice_id"))), detail.toString());
        assertTrue(detail.getJsonArray("drifts").stream().map(v -> v.asJsonObject())
                .filter(d -> java.util.Set.of("pdf_missing", "email_not_sent", "work_failed").contains(d.getString("kind")))
                .noneMatch(d -> delivered.invoiceId().equals(d.getString("invoice_id"))),
                "an invoice that was rendered and emailed is not delivery drift: " + detail);
    }
}
