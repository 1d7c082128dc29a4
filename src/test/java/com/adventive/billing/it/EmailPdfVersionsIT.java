package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Bucket;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.ReceivedMail;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.List;

import static com.adventive.billing.it.AdminClient.json;
import static com.adventive.billing.it.WorkAssertions.awaitWorkState;
import static com.adventive.billing.it.WorkAssertions.invoiceRow;
import static com.adventive.billing.it.WorkAssertions.pdfText;
import static com.adventive.billing.it.WorkAssertions.sha256;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10, part 6: the PDF a customer received is never overwritten. The email records the
 * sha256 of the PDF it carried; a re-render that differs is stored beside it as a new version;
 * GET /admin/invoices/{id}/pdf serves the one that was sent unless asked for another.
 */
@BillingIT
class EmailPdfVersionsIT {

    private static final String RENAMED_SELLER = "Adventive Renamed Holdings Ltd";

    @RegisterExtension
    final AdminClient admin = new AdminClient();

    @AfterEach
    void restoreSeller() {
        BillingServer.removeSecret("SELLER_NAME");
    }

    @Test
    void aDifferentRenderIsANewVersionAndTheSentPdfStaysAsItWas(Db db, WebhookClient webhook, Mailbox mailbox,
                                                                StripeApiStub stripe, Bucket bucket) {
        var invoice = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("versions")).build();
        stripe.stubInvoice(invoice, 100);
        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        awaitWorkState(db, invoice.eventId(), "done");
        ReceivedMail sent = mailbox.waitFor(invoice.customerEmail(), 1).get(0);
        byte[] sentPdf = sent.attachmentsOfType("application/pdf").get(0).bytes();
        String sentSha = sha256(sentPdf);
        String contractKey = invoice.acctId() + "/" + invoiceRow(db, invoice.invoiceId()).get("inv_uuid") + ".pdf";
        assertEquals(sentSha, sha256(bucket.get(contractKey).orElseThrow()));
        assertEquals(1, db.count("SELECT COUNT(*) FROM email_delivery WHERE stripe_invoice_id = ? AND status = 'sent' "
                + "AND pdf_sha256 = ?", invoice.invoiceId(), sentSha), "the delivery records what it attached");

        // The seller is renamed: the same invoice now renders to different bytes.
        BillingServer.writeSecret("SELLER_NAME", RENAMED_SELLER);
        HttpResponse<String> rendered = admin.post("/admin/render-pdf", "{\"invoice_id\":\"" + invoice.invoiceId() + "\"}");
        assertEquals(200, rendered.statusCode(), rendered.body());
        JsonObject answer = json(rendered);
        String secondKey = contractKey.replace(".pdf", ".v2.pdf");
        assertEquals(secondKey, answer.getString("key"));
        String secondSha = answer.getString("sha256");
        assertNotEquals(sentSha, secondSha);

        assertEquals(sentSha, sha256(bucket.get(contractKey).orElseThrow()), "the PDF the customer received is untouched");
        byte[] second = bucket.get(secondKey).orElseThrow(() -> new AssertionError("no new version at " + secondKey));
        assertEquals(secondSha, sha256(second));
        assertTrue(pdfText(second).contains(RENAMED_SELLER), "the new version is the new render");

        HttpResponse<byte[]> asSent = admin.getBytes("/admin/invoices/" + invoice.invoiceId() + "/pdf");
        assertEquals(200, asSent.statusCode());
        assertEquals(sentSha, sha256(asSent.body()), "by default, the PDF as sent");
        assertEquals("1", asSent.headers().firstValue("X-PDF-Version").orElse(""));
        for (String version : List.of("latest", "2", "current")) {
            HttpResponse<byte[]> newest = admin.getBytes("/admin/invoices/" + invoice.invoiceId() + "/pdf?version=" + version);
            assertEquals(200, newest.statusCode(), version);
            assertEquals(secondSha, sha256(newest.body()), version);
            assertEquals(secondSha, newest.headers().firstValue("X-Content-SHA256").orElse(""), version);
        }
        assertEquals(sentSha, sha256(admin.getBytes("/admin/invoices/" + invoice.invoiceId() + "/pdf?version=1").body()));
        assertEquals(404, admin.getBytes("/admin/invoices/" + invoice.invoiceId() + "/pdf?version=3").statusCode());
        assertEquals(400, admin.getBytes("/admin/invoices/" + invoice.invoiceId() + "/pdf?version=v2").statusCode());

        JsonObject dossier = json(admin.get("/admin/invoices/" + invoice.invoiceId()));
        assertEquals(2, dossier.getJsonArray("pdf_versions").size(), dossier.toString());
        assertFalse(dossier.getJsonArray("pdf_versions").getJsonObject(0).getBoolean("current"));
        assertTrue(dossier.getJsonArray("pdf_versions").getJsonObject(1).getBoolean("current"));
        JsonObject email = dossier.getJsonArray("emails").getJsonObject(0);
        assertEquals(sentSha, email.getString("pdf_sha256"));
        assertEquals(1, email.getInt("pdf_version"));

        // The same render again is not a third version.
        HttpResponse<String> again = admin.post("/admin/render-pdf", "{\"invoice_id\":\"" + invoice.invoiceId() + "\"}");
        assertEquals(200, again.statusCode(), again.body());
        assertEquals(secondKey, json(again).getString("key"));
        assertEquals(2, bucket.keys().stream().filter(k -> k.startsWith(contractKey.replace(".pdf", ""))).count());

        // A resend carries the current version; the PDF "as sent" is then the newest one sent.
        HttpResponse<String> resend = admin.post("/admin/resend-invoice", "{\"invoice_id\":\"" + invoice.invoiceId() + "\"}");
        assertEquals(200, resend.statusCode(), resend.body());
        ReceivedMail resent = mailbox.waitFor(invoice.customerEmail(), 2).get(1);
        assertEquals(secondSha, sha256(resent.attachmentsOfType("application/pdf").get(0).bytes()));
        assertEquals(secondSha, sha256(admin.getBytes("/admin/invoices/" + invoice.invoiceId() + "/pdf").body()));
        assertEquals(sentSha, sha256(bucket.get(contractKey).orElseThrow()), "still untouched");
    }
}
