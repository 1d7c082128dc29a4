package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;

import static com.adventive.billing.it.LifecycleEvents.dispute;
import static com.adventive.billing.it.LifecycleEvents.event;
import static com.adventive.billing.it.LifecycleEvents.postAndWork;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A whole invoice life (finalized, payment failed twice, paid, refunded, disputed, dispute won)
 * through the real webhook, shuffled and duplicated at random, ends in the same recorded state for
 * every order. The seed is printed with any failure (-Dlifecycle.seed=N replays it); the merge
 * logic itself is checked over thousands of orders by LifecycleOrderPropertyTest.
 */
@BillingIT
class InvoiceLifeOrderIT {

    private static final int ORDERS = 4;

    @Test
    void aShuffledAndDuplicatedWholeLifeEndsInTheSameState(Db db, WebhookClient webhook, StripeApiStub stripe) {
        long seed = Long.getLong("lifecycle.seed", 7_20261125L);
        Random random = new Random(seed);
        Instant finalized = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(1, ChronoUnit.HOURS);
        List<String> states = new ArrayList<>();
        for (int round = 0; round < ORDERS; round++) {
            var invoice = Fixtures.invoiceFinalized().finalizedAt(finalized).customerEmail(uniqueEmail("life")).build();
            stripe.stubInvoice(invoice, 100); // an hour-old invoice.finalized has its status rechecked with Stripe
            String chargeId = Fixtures.stripeId("ch_", 24);
            String disputeId = Fixtures.stripeId("du_", 24);
            long due = finalized.plus(10, ChronoUnit.DAYS).getEpochSecond();
            List<String> life = List.of(
                    invoice.eventJson(),
                    invoiceEvent(invoice, "invoice.payment_failed", finalized.plusSeconds(60), b -> b.add("status", "open")
                            .add("attempt_count", 1).add("next_payment_attempt", finalized.getEpochSecond() + 86_400)),
                    invoiceEvent(invoice, "invoice.payment_failed", finalized.plusSeconds(86_400), b -> b.add("status", "open")
                            .add("attempt_count", 2).add("next_payment_attempt", finalized.getEpochSecond() + 3 * 86_400)),
                    invoiceEvent(invoice, "invoice.paid", finalized.plusSeconds(2 * 86_400), b -> b.add("status", "paid")
                            .add("amount_paid", invoice.amountDue()).add("amount_remaining", 0).add("attempt_count", 3)
                            .addNull("next_payment_attempt").add("status_transitions", transitions(finalized)
                                    .add("paid_at", finalized.getEpochSecond() + 2 * 86_400))),
                    event("charge.refunded", charge(chargeId, invoice.invoiceId(), invoice.amountDue(), 500),
                            finalized.plusSeconds(3 * 86_400)),
                    event("charge.dispute.created", dispute(disputeId, chargeId, null, "needs_response", due),
                            finalized.plusSeconds(4 * 86_400)),
                    event("charge.dispute.closed", dispute(disputeId, chargeId, null, "won", due),
                            finalized.plusSeconds(9 * 86_400)));
            List<String> shuffled = new ArrayList<>(life);
            for (int extra = random.nextInt(4); extra > 0; extra--) {
                shuffled.add(life.get(random.nextInt(life.size())));
            }
            Collections.shuffle(shuffled, random);
            List<Integer> order = shuffled.stream().map(life::indexOf).toList();
            for (String eventJson : shuffled) {
                postAndWork(db, webhook, eventJson);
            }
            String state = state(db, invoice.invoiceId(), chargeId, disputeId);
            states.add(state);
            assertEquals(states.get(0), state, "seed " + seed + " (replay with -Dlifecycle.seed=" + seed + "), order "
                    + order + " (0 finalized, 1-2 failed, 3 paid, 4 refunded, 5 disputed, 6 won)");
        }
        assertTrue(states.get(0).contains("status=paid"), states.get(0));
        assertTrue(states.get(0).contains("attempt_count=3"), states.get(0));
        assertTrue(states.get(0).contains("dispute|won"), states.get(0));
        assertTrue(states.get(0).contains("refund|partially_refunded|500"), states.get(0));
    }

    private static String state(Db db, String invoiceId, String chargeId, String disputeId) {
        Map<String, Object> lifecycle = new TreeMap<>(db.rows("SELECT * FROM invoice_lifecycle WHERE stripe_invoice_id = ?",
                invoiceId).get(0));
        lifecycle.keySet().removeAll(List.of("stripe_invoice_id", "updated_at", "row_version"));
        StringBuilder state = new StringBuilder(lifecycle.toString());
        for (String id : List.of(chargeId, disputeId)) {
            Map<String, Object> a = db.rows("SELECT * FROM invoice_adjustment WHERE stripe_object_id = ?", id).get(0);
            state.append(" ").append(a.get("kind")).append('|').append(a.get("status")).append('|').append(a.get("amount"))
                    .append('|').append(a.get("reason")).append('|').append(a.get("evidence_due_by"))
                    .append('|').append(invoiceId.equals(a.get("stripe_invoice_id")) ? "invoice" : a.get("stripe_invoice_id"));
        }
        return state.toString();
    }

    private static String charge(String chargeId, String invoiceId, long amount, long refunded) {
        JsonObject template = Fixtures.json("openapi/objects-v1932/charge.json");
        return Json.createObjectBuilder(template).add("id", chargeId).add("invoice", invoiceId).add("amount", amount)
                .add("amount_refunded", refunded).add("refunded", false).add("currency", "eur").build().toString();
    }

    private static JsonObjectBuilder transitions(Instant finalized) {
        return Json.createObjectBuilder().add("finalized_at", finalized.getEpochSecond()).addNull("marked_uncollectible_at")
                .addNull("paid_at").addNull("voided_at");
    }

    private static String invoiceEvent(Fixtures.FinalizedInvoice invoice, String type, Instant created,
                                       Consumer<JsonObjectBuilder> change) {
        JsonObject event = Fixtures.parse(invoice.eventJson());
        JsonObject object = event.getJsonObject("data").getJsonObject("object");
        Instant finalized = Instant.ofEpochSecond(object.getJsonObject("status_transitions")
                .getJsonNumber("finalized_at").longValue());
        JsonObjectBuilder changed = Json.createObjectBuilder(object).add("status_transitions", transitions(finalized));
        change.accept(changed);
        return Json.createObjectBuilder(event).add("id", Fixtures.stripeId("evt_", 24)).add("type", type)
                .add("created", created.getEpochSecond())
                .add("data", Json.createObjectBuilder().add("object", changed)).build().toString();
    }
}
