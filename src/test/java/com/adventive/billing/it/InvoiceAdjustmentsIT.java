package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.WebhookClient;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static com.adventive.billing.it.WorkAssertions.awaitWorkState;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Refunds, credit notes and disputes through the real webhook: each converges to one record for
 * any order and duplication of its events, and shows in the invoice's dossier. The charge comes
 * from stripe-java's charge.refunded fixture; Stripe's fixtures hold no dispute or credit note
 * event, so those objects are built here with Stripe's field names.
 */
@BillingIT
class InvoiceAdjustmentsIT {

    private static final String CHARGE_FIXTURE = "events/stripe-java-webhook-events/selected-events.json";

    @RegisterExtension
    final AdminClient admin = new AdminClient();

    @Test
    void aChargeRefundedInTwoStepsEndsFullyRefundedInAnyOrder(Db db, WebhookClient webhook) {
        var invoice = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("refund")).build();
        post(db, webhook, invoice.eventJson());
        String chargeId = Fixtures.stripeId("ch_", 24);
        String partial = event("charge.refunded", charge(chargeId, invoice.invoiceId(), invoice.amountDue(), 500, false));
        String full = event("charge.refunded", charge(chargeId, invoice.invoiceId(), invoice.amountDue(),
                invoice.amountDue(), true));
        post(db, webhook, full);
        post(db, webhook, partial); // late, older copy
        post(db, webhook, full);    // redelivered

        Map<String, Object> row = adjustment(db, chargeId);
        assertEquals("refunded", row.get("status"));
        assertEquals(invoice.amountDue(), ((Number) row.get("amount")).longValue());

        JsonArray adjustments = dossier(invoice.invoiceId()).getJsonArray("adjustments");
        assertEquals(1, adjustments.size(), adjustments.toString());
        assertEquals("refund", adjustments.getJsonObject(0).getString("kind"));
        assertEquals(invoice.amountDue(), adjustments.getJsonObject(0).getJsonNumber("amount").longValue());
    }

    @Test
    void aCreditNoteVoidedBeforeItsCreationArrivesStaysVoid(Db db, WebhookClient webhook) {
        var invoice = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("creditnote")).build();
        post(db, webhook, invoice.eventJson());
        String noteId = Fixtures.stripeId("cn_", 24);
        post(db, webhook, event("credit_note.voided", creditNote(noteId, invoice.invoiceId(), 700, "void")));
        post(db, webhook, event("credit_note.created", creditNote(noteId, invoice.invoiceId(), 700, "issued")));

        Map<String, Object> row = adjustment(db, noteId);
        assertEquals("void", row.get("status"));
        assertEquals(700L, ((Number) row.get("amount")).longValue());
        assertEquals(invoice.invoiceId(), row.get("stripe_invoice_id"));
        JsonObject dossier = dossier(invoice.invoiceId());
        assertEquals("void", dossier.getJsonArray("adjustments").getJsonObject(0).getString("status"));
        assertEquals(2, dossier.getJsonArray("lifecycle_history").size(), "both credit note events in the history");
    }

    @Test
    void aDisputeOpenedUnderReviewAndWonIsWonInAnyOrderAndOpenedOnce(Db db, WebhookClient webhook) {
        long due = Instant.now().plus(7, ChronoUnit.DAYS).getEpochSecond();
        List<List<Integer>> orders = List.of(List.of(0, 1, 2), List.of(2, 1, 0), List.of(1, 2, 0, 0, 2));
        List<String> states = new ArrayList<>();
        for (List<Integer> order : orders) {
            String disputeId = Fixtures.stripeId("du_", 24);
            String chargeId = Fixtures.stripeId("ch_", 24);
            List<String> life = List.of(
                    event("charge.dispute.created", dispute(disputeId, chargeId, "needs_response", due)),
                    event("charge.dispute.updated", dispute(disputeId, chargeId, "under_review", due)),
                    event("charge.dispute.closed", dispute(disputeId, chargeId, "won", due)));
            for (int index : order) {
                post(db, webhook, life.get(index));
            }
            Map<String, Object> row = new TreeMap<>(adjustment(db, disputeId));
            assertEquals("won", row.get("status"));
            assertEquals("fraudulent", row.get("reason"));
            assertTrue(row.get("evidence_due_by") != null);
            assertEquals(1, db.count("SELECT COUNT(*) FROM operational_event WHERE event_type = 'dispute_opened' "
                    + "AND detail LIKE ?", "%" + disputeId + "%"), "dispute_opened once, order " + order);
            row.remove("stripe_object_id");
            row.remove("charge_id");
            row.remove("updated_at");
            row.remove("row_version");
            states.add(row.toString());
        }
        assertEquals(1, states.stream().distinct().count(), states.toString());
    }

    // --- objects and events ---

    private static String charge(String chargeId, String invoiceId, long amount, long refunded, boolean full) {
        JsonObject template = Json.createReader(new java.io.StringReader(Fixtures.text(CHARGE_FIXTURE)))
                .readArray().getJsonObject(0).getJsonObject("data").getJsonObject("object");
        return Json.createObjectBuilder(template).add("id", chargeId).add("invoice", invoiceId).add("amount", amount)
                .add("amount_refunded", refunded).add("refunded", full).add("currency", "eur").build().toString();
    }

    private static String creditNote(String noteId, String invoiceId, long total, String status) {
        return Json.createObjectBuilder().add("id", noteId).add("object", "credit_note").add("invoice", invoiceId)
                .add("amount", total).add("total", total).add("currency", "eur").add("status", status)
                .add("reason", "order_change").build().toString();
    }

    private static String dispute(String disputeId, String chargeId, String status, long dueBy) {
        return Json.createObjectBuilder().add("id", disputeId).add("object", "dispute").add("charge", chargeId)
                .add("amount", 4500).add("currency", "eur").add("status", status).add("reason", "fraudulent")
                .add("evidence_details", Json.createObjectBuilder().add("due_by", dueBy).add("has_evidence", false))
                .build().toString();
    }

    /** A signed-ready event: the fixture's envelope with a new id, the type and the object. */
    private static String event(String type, String objectJson) {
        JsonObject envelope = Fixtures.parse(Fixtures.invoiceFinalized().build().eventJson());
        return Json.createObjectBuilder(envelope).add("id", Fixtures.stripeId("evt_", 24)).add("type", type)
                .add("data", Json.createObjectBuilder().add("object", Fixtures.parse(objectJson))).build().toString();
    }

    private static void post(Db db, WebhookClient webhook, String eventJson) {
        HttpResponse<String> response = webhook.postSigned(eventJson);
        assertEquals(200, response.statusCode(), response.body());
        awaitWorkState(db, Fixtures.parse(eventJson).getString("id"), "done");
    }

    private static Map<String, Object> adjustment(Db db, String objectId) {
        List<Map<String, Object>> rows = db.rows("SELECT * FROM invoice_adjustment WHERE stripe_object_id = ?", objectId);
        assertEquals(1, rows.size(), "one record for " + objectId);
        return rows.get(0);
    }

    private JsonObject dossier(String invoiceId) {
        HttpResponse<String> response = admin.get("/admin/invoices/" + invoiceId);
        assertEquals(200, response.statusCode(), response.body());
        return AdminClient.json(response);
    }
}
