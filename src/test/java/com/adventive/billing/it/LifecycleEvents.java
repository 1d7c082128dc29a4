package com.adventive.billing.it;

import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.WebhookClient;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;

import static com.adventive.billing.it.WorkAssertions.awaitWorkState;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Stripe objects and events for the lifecycle ITs, built on Stripe's own fixtures (openapi
 * objects-v1932) with only what a test cares about replaced.
 */
final class LifecycleEvents {

    static final String SUBSCRIPTION_FIXTURE = "openapi/objects-v1932/subscription.json";
    static final String DISPUTE_FIXTURE = "openapi/objects-v1932/dispute.json";
    static final String INVOICE_PAYMENT_FIXTURE = "openapi/objects-v1932/invoice_payment.json";

    private LifecycleEvents() {
    }

    /** An event of the type around the object, created at {@code created}, in the fixture's envelope. */
    static String event(String type, String objectJson, Instant created) {
        JsonObject envelope = Fixtures.parse(Fixtures.invoiceFinalized().build().eventJson());
        return Json.createObjectBuilder(envelope).add("id", Fixtures.stripeId("evt_", 24)).add("type", type)
                .add("created", created.getEpochSecond())
                .add("data", Json.createObjectBuilder().add("object", Fixtures.parse(objectJson))).build().toString();
    }

    static String customer(String customerId, String email) {
        JsonObject template = Fixtures.json(Fixtures.CUSTOMER_TEMPLATE);
        return Json.createObjectBuilder(template).add("id", customerId).add("email", email).build().toString();
    }

    /** A subscription with one item per price (item ids si_&lt;n&gt;_&lt;subscription&gt;). */
    static String subscription(String subscriptionId, String customerId, String status, List<String> prices,
                               Long canceledAt) {
        JsonObject template = Fixtures.json(SUBSCRIPTION_FIXTURE);
        JsonObject itemTemplate = template.getJsonObject("items").getJsonArray("data").getJsonObject(0);
        JsonArrayBuilder items = Json.createArrayBuilder();
        for (int i = 0; i < prices.size(); i++) {
            JsonObject price = Json.createObjectBuilder(itemTemplate.getJsonObject("price")).add("id", prices.get(i)).build();
            items.add(Json.createObjectBuilder(itemTemplate).add("id", "si_" + i + "_" + subscriptionId.substring(4))
                    .add("subscription", subscriptionId).add("price", price).add("quantity", 1));
        }
        JsonObjectBuilder subscription = Json.createObjectBuilder(template).add("id", subscriptionId)
                .add("customer", customerId).add("status", status)
                .add("items", Json.createObjectBuilder(template.getJsonObject("items")).add("data", items));
        if (canceledAt == null) {
            subscription.addNull("canceled_at");
        } else {
            subscription.add("canceled_at", canceledAt);
        }
        return subscription.build().toString();
    }

    static String dispute(String disputeId, String chargeId, String paymentIntentId, String status, long dueBy) {
        JsonObject template = Fixtures.json(DISPUTE_FIXTURE);
        JsonObjectBuilder dispute = Json.createObjectBuilder(template).add("id", disputeId).add("charge", chargeId)
                .add("amount", 4500).add("currency", "eur").add("status", status).add("reason", "fraudulent")
                .add("evidence_details", Json.createObjectBuilder(template.getJsonObject("evidence_details"))
                        .add("due_by", dueBy));
        if (paymentIntentId == null) {
            dispute.addNull("payment_intent");
        } else {
            dispute.add("payment_intent", paymentIntentId);
        }
        return dispute.build().toString();
    }

    /** An invoice payment naming the invoice a payment intent paid (GET /v1/invoice_payments answers a list of them). */
    static String invoicePayment(String invoiceId, String paymentIntentId) {
        JsonObject template = Fixtures.json(INVOICE_PAYMENT_FIXTURE);
        return Json.createObjectBuilder(template).add("id", Fixtures.stripeId("inpay_", 20)).add("invoice", invoiceId)
                .add("currency", "eur").add("status", "paid")
                .add("payment", Json.createObjectBuilder().add("type", "payment_intent")
                        .add("payment_intent", paymentIntentId)).build().toString();
    }

    static String eventId(String eventJson) {
        return Fixtures.parse(eventJson).getString("id");
    }

    static void post(WebhookClient webhook, String eventJson) {
        HttpResponse<String> response = webhook.postSigned(eventJson);
        assertEquals(200, response.statusCode(), response.body());
    }

    static void postAndWork(Db db, WebhookClient webhook, String eventJson) {
        post(webhook, eventJson);
        awaitWorkState(db, eventId(eventJson), "done");
    }

    static void stripeBilledAccount(Db db, String acctId, String customerId) {
        db.execute("INSERT INTO billing_account (acct_id, stripe_customer_id, billed_by, display_name, updated_at) "
                + "VALUES (?, ?, 'stripe', 'Globex', CURRENT_TIMESTAMP)", acctId, customerId);
    }
}
