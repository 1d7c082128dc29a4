package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.Bucket;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.StripeSigner;
import com.adventive.billing.it.support.WebhookClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.adventive.billing.it.WorkAssertions.awaitWorkState;
import static com.adventive.billing.it.WorkAssertions.operationalEvents;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The webhook door: what is accepted, what is refused, and that refusals store nothing. */
@BillingIT
class WebhookIntakeIT {

    private static long storedEvents(Db db, String eventId) {
        return db.count("SELECT COUNT(*) FROM stripe_event WHERE event_id = ?", eventId);
    }

    @Test
    void aSignedEventIsStoredWithItsWorkItemAndAnswered200(Db db, WebhookClient webhook) {
        var invoice = Fixtures.invoiceFinalized().build();
        HttpResponse<String> response = webhook.postSigned(invoice.eventJson());
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"disposition\":\"queued\""), response.body());
        assertEquals(1, storedEvents(db, invoice.eventId()));
        assertEquals(1, db.count("SELECT COUNT(*) FROM work_item WHERE event_id = ?", invoice.eventId()));
        assertEquals(1, db.count("SELECT COUNT(*) FROM stripe_event WHERE event_id = ? AND api_version = ? "
                + "AND object_id = ? AND event_type = 'invoice.finalized'", invoice.eventId(), "2025-08-27.basil",
                invoice.invoiceId()));
    }

    @Test
    void aTamperedBodyIsRefusedAndNothingIsStored(Db db, WebhookClient webhook) {
        var invoice = Fixtures.invoiceFinalized().build();
        String signature = BillingServer.currentSigner().header(invoice.eventJson());
        String tampered = invoice.eventJson().replace("\"amount_due\":", "\"amount_due\":1");
        HttpResponse<String> response = webhook.post(tampered.getBytes(StandardCharsets.UTF_8), signature);
        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("signature_invalid"), response.body());
        assertEquals(0, storedEvents(db, invoice.eventId()));
    }

    @Test
    void aMissingOrForeignSignatureIsRefused(Db db, WebhookClient webhook) {
        var invoice = Fixtures.invoiceFinalized().build();
        assertEquals(400, webhook.post(invoice.eventBytes(), null).statusCode());
        String foreign = new StripeSigner("whsec_someone_else").header(invoice.eventJson());
        assertEquals(400, webhook.post(invoice.eventBytes(), foreign).statusCode());
        assertEquals(400, webhook.post(invoice.eventBytes(), "garbage").statusCode());
        assertEquals(0, storedEvents(db, invoice.eventId()));
    }

    @Test
    void aStaleTimestampIsRefusedAsAReplay(Db db, WebhookClient webhook) {
        var invoice = Fixtures.invoiceFinalized().build();
        long tenMinutesAgo = System.currentTimeMillis() / 1000 - 600;
        String stale = BillingServer.currentSigner().header(invoice.eventJson(), tenMinutesAgo);
        HttpResponse<String> response = webhook.post(invoice.eventBytes(), stale);
        assertEquals(400, response.statusCode());
        assertEquals(0, storedEvents(db, invoice.eventId()));
    }

    @Test
    void bothTheOldAndTheNewSecretVerifyDuringRotation(Db db, WebhookClient webhook) {
        var signedWithNew = Fixtures.invoiceFinalized().build();
        var signedWithOld = Fixtures.invoiceFinalized().build();
        assertEquals(200, webhook.post(signedWithNew.eventBytes(),
                BillingServer.currentSigner().header(signedWithNew.eventJson())).statusCode());
        assertEquals(200, webhook.post(signedWithOld.eventBytes(),
                BillingServer.previousSigner().header(signedWithOld.eventJson())).statusCode());
        assertEquals(1, storedEvents(db, signedWithNew.eventId()));
        assertEquals(1, storedEvents(db, signedWithOld.eventId()));
    }

    @Test
    void aBodyOverOneMebibyteIs413AndNothingIsStored(Db db, WebhookClient webhook) {
        var invoice = Fixtures.invoiceFinalized().build();
        String padding = "x".repeat(1024 * 1024);
        String big = invoice.eventJson().replaceFirst("\\{", "{\"padding\":\"" + padding + "\",");
        HttpResponse<String> response = webhook.postSigned(big);
        assertEquals(413, response.statusCode());
        assertEquals(0, storedEvents(db, invoice.eventId()));
    }

    @Test
    void aStreamedBodyWithoutContentLengthOverOneMebibyteIsAlso413(Db db) throws Exception {
        byte[] big = new byte[1024 * 1024 + 10];
        Arrays.fill(big, (byte) ' ');
        // an input-stream body is sent chunked, with no Content-Length to trust: the resource must count
        HttpRequest request = HttpRequest.newBuilder(URI.create(BillingServer.url("/webhooks/stripe")))
                .header("Stripe-Signature", "t=1,v1=00")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(413, response.statusCode(), response.body());
    }

    @Test
    void signedButMalformedBodiesAre400(Db db, WebhookClient webhook) {
        long before = db.count("SELECT COUNT(*) FROM stripe_event");
        for (String body : new String[]{"not json at all", "[]", "{\"type\":\"invoice.finalized\"}",
                "{\"id\":\"evt_123\"}", "{\"id\":\"evt_1/../x\",\"type\":\"invoice.finalized\"}"}) {
            HttpResponse<String> response = webhook.postSigned(body);
            assertEquals(400, response.statusCode(), body);
            assertTrue(response.body().contains("event_malformed"), response.body());
        }
        assertEquals(before, db.count("SELECT COUNT(*) FROM stripe_event"));
    }

    @Test
    void aDuplicateDeliveryIsAnswered200AndCreatesNoNewWork(Db db, WebhookClient webhook) {
        var invoice = Fixtures.invoiceFinalized().build();
        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        HttpResponse<String> again = webhook.postSigned(invoice.eventJson());
        assertEquals(200, again.statusCode());
        assertTrue(again.body().contains("\"disposition\":\"duplicate\""), again.body());
        assertEquals(1, db.count("SELECT COUNT(*) FROM work_item WHERE event_id = ?", invoice.eventId()));
    }

    @Test
    void anUnhandledTypeIsStoredAsIgnoredWithoutWork(Db db, WebhookClient webhook) {
        var refund = Fixtures.invoiceFinalized().type("payout.paid").build(); // a type no handler takes
        HttpResponse<String> response = webhook.postSigned(refund.eventJson());
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("\"disposition\":\"ignored\""), response.body());
        assertEquals(1, db.count("SELECT COUNT(*) FROM stripe_event WHERE event_id = ? AND disposition = 'ignored'",
                refund.eventId()));
        assertEquals(0, db.count("SELECT COUNT(*) FROM work_item WHERE event_id = ?", refund.eventId()));
    }

    /**
     * stripe-java's own 2012-era sample events: no api_version, no object:"event", old shapes. In the
     * fixture they share one id, so each gets its own here (else all but the first are duplicates).
     * Unhandled types are stored as ignored; the invoice ones are delivered as invoice.finalized so
     * they reach the handler, which fetches the invoice from Stripe and, the account being billed by
     * the legacy system, ends in the legacy outcome: no PDF, no email, a double_billing_risk event.
     */
    @Test
    void legacyEventsWithoutApiVersionReachTheHandlerAndEndInTheLegacyOutcome(Db db, WebhookClient webhook,
                                                                              StripeApiStub stripe, Mailbox mailbox,
                                                                              Bucket bucket) {
        var events = Json.createReader(new StringReader(Fixtures.text(
                "events/stripe-java-webhook-events/selected-events.json"))).readArray();
        List<String> handled = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        Map<String, Fixtures.FinalizedInvoice> currentInvoiceByEvent = new LinkedHashMap<>();
        for (var value : events) {
            JsonObject event = value.asJsonObject();
            assertFalse(event.containsKey("api_version"), "a legacy event has no api_version");
            JsonObjectBuilder legacy = Json.createObjectBuilder(event).add("id", Fixtures.stripeId("evt_", 24));
            JsonObject object = event.getJsonObject("data").getJsonObject("object");
            if ("invoice".equals(object.getString("object"))) {
                // What Stripe answers today for this invoice: a customer the account table marks as legacy.
                var current = Fixtures.invoiceFinalized().acctId(null).customerEmail(uniqueEmail("legacy-event")).build();
                stripe.stubInvoice(current, 100);
                String acctId = "acct_" + Fixtures.stripeId("", 12);
                db.execute("INSERT INTO billing_account (acct_id, stripe_customer_id, billed_by, display_name, "
                        + "updated_at) VALUES (?, ?, 'legacy', 'Legacy cohort', CURRENT_TIMESTAMP)",
                        acctId, current.customerId());
                legacy.add("type", "invoice.finalized")
                        .add("data", Json.createObjectBuilder().add("object", Json.createObjectBuilder(object)
                                .add("id", current.invoiceId())
                                .add("customer", current.customerId())));
                JsonObject built = legacy.build();
                currentInvoiceByEvent.put(built.getString("id"), current);
                handled.add(post(webhook, built, "queued"));
            } else if ("charge".equals(object.getString("object"))) {
                post(webhook, legacy.build(), "queued"); // charge.refunded is recorded by the lifecycle capability
            } else if ("subscription".equals(object.getString("object"))) {
                post(webhook, legacy.build(), "queued"); // so is customer.subscription.updated
            } else {
                ignored.add(post(webhook, legacy.build(), "ignored"));
            }
        }
        assertEquals(2, handled.size(), "the fixture's two invoice events");
        assertEquals(0, ignored.size(), "every type in the fixture is handled now (payout.paid shows ignored above)");

        for (String eventId : ignored) {
            assertEquals(1, db.count("SELECT COUNT(*) FROM stripe_event WHERE event_id = ? AND api_version IS NULL "
                    + "AND disposition = 'ignored'", eventId));
            assertEquals(0, db.count("SELECT COUNT(*) FROM work_item WHERE event_id = ?", eventId));
        }
        for (String eventId : handled) {
            var invoice = currentInvoiceByEvent.get(eventId);
            awaitWorkState(db, eventId, "skipped");
            assertEquals(1, db.count("SELECT COUNT(*) FROM stripe_event WHERE event_id = ? AND api_version IS NULL",
                    eventId));
            assertTrue(stripe.requestsTo("/v1/invoices/" + invoice.invoiceId()) >= 1,
                    "without api_version the invoice is fetched from Stripe");
            assertEquals(1, operationalEvents(db, "double_billing_risk", invoice.invoiceId()));
            assertEquals(0, db.count("SELECT COUNT(*) FROM billing_invoice WHERE stripe_invoice_id = ?",
                    invoice.invoiceId()), "no invoice recorded, so no PDF");
            assertTrue(bucket.keys().stream().noneMatch(key -> key.contains(invoice.invoiceId())), "no PDF stored");
            assertEquals(0, db.count("SELECT COUNT(*) FROM email_delivery WHERE stripe_invoice_id = ?",
                    invoice.invoiceId()), "no email attempted");
            assertEquals(0, mailbox.countTo(invoice.customerEmail()), "no email received");
        }
    }

    private static String post(WebhookClient webhook, JsonObject event, String disposition) {
        String json = event.toString();
        HttpResponse<String> response = webhook.postSigned(json);
        assertEquals(200, response.statusCode(), json.substring(0, 80) + " → " + response.body());
        assertTrue(response.body().contains("\"disposition\":\"" + disposition + "\""), response.body());
        return event.getString("id");
    }

    @Test
    void withNoWebhookSecretConfiguredEventsAre503AndNotStored(Db db, WebhookClient webhook) throws Exception {
        var invoice = Fixtures.invoiceFinalized().build();
        // an empty mounted secret outranks the environment: the worker must treat it as "not configured"
        BillingServer.writeSecret("STRIPE_WEBHOOK_SECRET", "");
        try {
            HttpResponse<String> response = webhook.postSigned(invoice.eventJson());
            assertEquals(503, response.statusCode(), response.body());
            assertEquals(0, storedEvents(db, invoice.eventId()));
        } finally {
            BillingServer.removeSecret("STRIPE_WEBHOOK_SECRET");
        }
        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
    }
}
