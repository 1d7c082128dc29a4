package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static com.adventive.billing.it.LifecycleEvents.customer;
import static com.adventive.billing.it.LifecycleEvents.event;
import static com.adventive.billing.it.LifecycleEvents.eventId;
import static com.adventive.billing.it.LifecycleEvents.post;
import static com.adventive.billing.it.WorkAssertions.awaitWorkState;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * POST /admin/events/replay: of the events Stripe lists (paged), exactly those the worker never
 * received are stored, through the webhook's intake, and worked like delivered ones.
 */
@BillingIT
class EventReplayIT {

    @RegisterExtension
    final AdminClient admin = new AdminClient();

    @Test
    void replayStoresExactlyTheEventsNeverDelivered(Db db, WebhookClient webhook, StripeApiStub stripe) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String customerA = Fixtures.stripeId("cus_", 14);
        String customerB = Fixtures.stripeId("cus_", 14);
        var invoice = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("replayed")).build();
        String payout = event("payout.paid", "{\"id\":\"po_" + Fixtures.stripeId("", 20) + "\",\"object\":\"payout\"}",
                now.minusSeconds(50));
        List<String> stripeHas = List.of( // newest first, as Stripe lists them
                event("customer.updated", customer(customerA, uniqueEmail("a")), now.minusSeconds(10)),
                event("customer.updated", customer(customerB, uniqueEmail("b")), now.minusSeconds(20)),
                Fixtures.invoiceFinalized().customerEmail(uniqueEmail("delivered")).build().eventJson(),
                invoice.eventJson(),
                payout);
        List<String> delivered = List.of(stripeHas.get(1), stripeHas.get(2));
        for (String eventJson : delivered) {
            post(webhook, eventJson);
            awaitWorkState(db, eventId(eventJson), "done");
        }
        stripe.stubList("/v1/events", stripeHas, 2); // three pages

        HttpResponse<String> response = admin.post("/admin/events/replay",
                "{\"since\":\"" + now.minus(2, ChronoUnit.DAYS) + "\"}");
        assertEquals(200, response.statusCode(), response.body());
        JsonObject result = AdminClient.json(response);
        assertEquals(5, result.getInt("listed"));
        assertEquals(2, result.getInt("already_known"));
        assertEquals(3, result.getInt("newly_stored"));
        assertEquals(2, result.getInt("queued"), "payout.paid is stored as ignored, the other two get work");
        Set<String> never = Set.of(eventId(stripeHas.get(0)), eventId(stripeHas.get(3)), eventId(stripeHas.get(4)));
        assertEquals(never, result.getJsonArray("new_event_ids").getValuesAs(JsonString.class).stream()
                .map(JsonString::getString).collect(Collectors.toSet()), "exactly the events never delivered");
        assertEquals(3, stripe.requests("GET", "/v1/events").size(), "every page listed");

        awaitWorkState(db, eventId(stripeHas.get(0)), "done");
        awaitWorkState(db, invoice.eventId(), "done");
        assertEquals(1, db.count("SELECT COUNT(*) FROM stripe_customer WHERE stripe_customer_id = ?", customerA),
                "a replayed event is worked like a delivered one");
        assertEquals("ignored", db.rows("SELECT disposition FROM stripe_event WHERE event_id = ?", eventId(payout))
                .get(0).get("disposition"));

        JsonObject again = AdminClient.json(admin.post("/admin/events/replay",
                "{\"since\":\"" + now.minus(2, ChronoUnit.DAYS) + "\"}"));
        assertEquals(5, again.getInt("already_known"));
        assertEquals(0, again.getInt("newly_stored"), "a second replay stores nothing");
        assertEquals(400, admin.post("/admin/events/replay", "{\"since\":\"yesterday\"}").statusCode());
    }

    @Test
    void theNewDoorsRefuseCallersWithoutCredentialsAndAskNothingOfStripe(StripeApiStub stripe) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        int stripeBefore = stripe.requests("/v1").size();
        for (var request : List.of(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(com.adventive.billing.it.support.BillingServer
                        .url("/admin/events/replay"))).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"since\":\"2026-11-20T00:00:00Z\"}")),
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(com.adventive.billing.it.support.BillingServer
                        .url("/admin/payment-method-link"))).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"acct_id\":\"acct_x1\",\"email\":true}")),
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(com.adventive.billing.it.support.BillingServer
                        .url("/admin/disputes/du_Unauthenticated01/evidence?format=zip"))).GET())) {
            var response = http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(401, response.statusCode(), request.build().uri() + " " + response.body());
        }
        assertEquals(stripeBefore, stripe.requests("/v1").size(), "nothing reached Stripe");
    }
}
