package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static com.adventive.billing.it.LifecycleEvents.dispute;
import static com.adventive.billing.it.LifecycleEvents.event;
import static com.adventive.billing.it.LifecycleEvents.invoicePayment;
import static com.adventive.billing.it.LifecycleEvents.postAndWork;
import static com.adventive.billing.it.LifecycleEvents.stripeBilledAccount;
import static com.adventive.billing.it.WorkAssertions.sha256;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GET /admin/disputes/{id}/evidence: the dispute names only its charge and payment intent; the
 * worker finds the invoice through Stripe's invoice payments and answers with the PDF as the
 * customer received it, the email that delivered it, the payments and the account — and the same
 * as a zip with the PDF bytes.
 */
@BillingIT
class DisputeEvidenceIT {

    @RegisterExtension
    final AdminClient admin = new AdminClient();

    @Test
    void theEvidenceHasThePdfAsSentItsDeliveryThePaymentsAndTheAccount(Db db, WebhookClient webhook, Mailbox mailbox,
                                                                       StripeApiStub stripe) throws IOException {
        String email = uniqueEmail("disputed");
        var invoice = Fixtures.invoiceFinalized().customerEmail(email).build();
        stripeBilledAccount(db, invoice.acctId(), invoice.customerId());
        postAndWork(db, webhook, invoice.eventJson());
        byte[] attached = mailbox.waitFor(email, 1).get(0).attachments().get(0).bytes();

        String disputeId = Fixtures.stripeId("du_", 24);
        String chargeId = Fixtures.stripeId("ch_", 24);
        String paymentIntentId = Fixtures.stripeId("pi_", 24);
        long due = Instant.now().plus(7, ChronoUnit.DAYS).getEpochSecond();
        String disputeJson = dispute(disputeId, chargeId, paymentIntentId, "needs_response", due);
        postAndWork(db, webhook, event("charge.dispute.created", disputeJson, Instant.now()));
        stripe.stubGet("/v1/disputes/" + disputeId, disputeJson);
        stripe.stubList("/v1/invoice_payments", List.of(invoicePayment(invoice.invoiceId(), paymentIntentId)), 10);

        String sentMessageId = (String) db.rows("SELECT message_id FROM email_delivery WHERE stripe_invoice_id = ? "
                + "AND template = 'invoice_new'", invoice.invoiceId()).get(0).get("message_id");
        MailgunEvents mailgun = MailgunEvents.configured();
        assertEquals(200, MailgunEvents.post(webhook, mailgun.signed(MailgunEvents.event("delivered", null, email,
                MailgunEvents.asMailgunWritesIt(sentMessageId)))).statusCode(), "Mailgun reports the delivery");

        HttpResponse<String> response = admin.get("/admin/disputes/" + disputeId + "/evidence");
        assertEquals(200, response.statusCode(), response.body());
        JsonObject evidence = AdminClient.json(response);
        assertEquals(invoice.invoiceId(), evidence.getString("invoice_id"), "found through the payment intent");
        assertEquals("needs_response", evidence.getJsonObject("dispute").getString("status"));
        assertNotNull(evidence.getJsonObject("dispute").getString("evidence_due_by"));

        JsonObject pdf = evidence.getJsonObject("pdf");
        assertEquals(sha256(attached), pdf.getString("sha256"), "the PDF exactly as the customer received it");
        HttpResponse<byte[]> download = admin.getBytes(pdf.getString("download"));
        assertEquals(200, download.statusCode());
        assertEquals(sha256(attached), sha256(download.body()), "the download link serves those bytes");

        Map<String, Object> delivery = db.rows("SELECT message_id, recipient, status FROM email_delivery "
                + "WHERE stripe_invoice_id = ? AND template = 'invoice_new'", invoice.invoiceId()).get(0);
        JsonObject sent = evidence.getJsonObject("email");
        assertEquals(delivery.get("message_id"), sent.getString("message_id"));
        assertEquals(email, sent.getString("recipient"));
        assertEquals("sent", sent.getString("status"));
        assertEquals("delivered", sent.getString("provider_status"), "what the mail provider said about it");
        assertNotNull(sent.getString("sent_at"));

        assertEquals(invoice.acctId(), evidence.getJsonObject("account").getString("acct_id"));
        assertEquals(invoice.customerId(), evidence.getJsonObject("account").getString("stripe_customer_id"));
        assertEquals("stripe", evidence.getJsonObject("account").getString("billed_by"));
        assertTrue(evidence.getJsonObject("payments").getJsonArray("adjustments").toString().contains(disputeId),
                "the dispute is now part of the invoice's payment history");
        assertEquals(invoice.invoiceId(), db.rows("SELECT stripe_invoice_id FROM invoice_adjustment "
                + "WHERE stripe_object_id = ?", disputeId).get(0).get("stripe_invoice_id"), "and recorded on the dispute");

        HttpResponse<byte[]> zip = admin.getBytes("/admin/disputes/" + disputeId + "/evidence?format=zip");
        assertEquals(200, zip.statusCode());
        assertEquals("application/zip", zip.headers().firstValue("Content-Type").orElse(""));
        Map<String, byte[]> entries = unzip(zip.body());
        assertEquals(2, entries.size(), entries.keySet().toString());
        byte[] zippedPdf = entries.entrySet().stream().filter(e -> e.getKey().endsWith(".pdf")).findFirst()
                .orElseThrow().getValue();
        assertEquals(sha256(attached), sha256(zippedPdf), "the zip carries the PDF as sent");
        JsonObject summary = Json.createReader(new StringReader(new String(entries.get("summary.json"),
                StandardCharsets.UTF_8))).readObject();
        assertEquals(disputeId, summary.getJsonObject("dispute").getString("id"));
        assertEquals(sha256(attached), summary.getJsonObject("pdf").getString("sha256"));
        assertEquals(delivery.get("message_id"), summary.getJsonObject("email").getString("message_id"));
    }

    @Test
    void aDisputeNeitherTheWorkerNorStripeKnowsIsNotFound() {
        HttpResponse<String> response = admin.get("/admin/disputes/du_NoSuchDispute0000/evidence");
        assertEquals(404, response.statusCode(), response.body());
        assertTrue(response.body().contains("dispute_not_found"), response.body());
        assertEquals(400, admin.get("/admin/disputes/ch_notadispute/evidence").statusCode());
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                assertFalse(entry.getName().contains(".."), entry.getName());
                entries.put(entry.getName(), in.readAllBytes());
            }
        }
        return entries;
    }
}
