package com.adventive.billing.it.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.math.BigDecimal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/**
 * Stripe's invoice items, credit notes, meters and meter event summaries on the WireMock stand-in,
 * answered from the stripe/openapi fixtures with the ids a test chooses. Stubs go with
 * {@link StripeApiStub#reset()} like every other stub.
 */
public final class StripeBillingStub {

    public static final String INVOICE_ITEMS = "/v1/invoiceitems";
    public static final String CREDIT_NOTES = "/v1/credit_notes";
    public static final String METERS = "/v1/billing/meters";
    private static final int PRIORITY = 5;

    private final WireMockServer server;

    public StripeBillingStub(StripeApiStub stripe) {
        this.server = stripe.wireMock();
    }

    /** POST /v1/invoiceitems answers an item with this id (whatever was asked: the tests read the request). */
    public StripeBillingStub invoiceItemsAnswering(String itemId) {
        server.stubFor(post(urlPathEqualTo(INVOICE_ITEMS)).atPriority(PRIORITY).willReturn(ok(invoiceItem(itemId))));
        return this;
    }

    /** The first POST /v1/invoiceitems answers {@code status}, later ones the item. */
    public StripeBillingStub invoiceItemsFailingOnceWith(int status, String itemId) {
        String scenario = "invoice items fail first";
        server.stubFor(post(urlPathEqualTo(INVOICE_ITEMS)).atPriority(PRIORITY).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED).willReturn(error(status)).willSetStateTo("failed once"));
        server.stubFor(post(urlPathEqualTo(INVOICE_ITEMS)).atPriority(PRIORITY).inScenario(scenario)
                .whenScenarioStateIs("failed once").willReturn(ok(invoiceItem(itemId))));
        return this;
    }

    /** POST /v1/credit_notes answers a credit note on the invoice with this id, number and total. */
    public StripeBillingStub creditNotesAnswering(String creditNoteId, String number, String invoiceId, long total,
                                                  String currency) {
        JsonObject fixture = Fixtures.json("openapi/objects-v1932/credit_note.json");
        String body = Json.createObjectBuilder(fixture)
                .add("id", creditNoteId)
                .add("number", number)
                .add("invoice", invoiceId)
                .add("total", total)
                .add("subtotal", total)
                .add("amount", total)
                .add("currency", currency)
                .build().toString();
        server.stubFor(post(urlPathEqualTo(CREDIT_NOTES)).atPriority(PRIORITY).willReturn(ok(body)));
        return this;
    }

    /** GET /v1/billing/meters lists one active meter for this event name. */
    public StripeBillingStub meter(String meterId, String eventName) {
        JsonObject meter = Json.createObjectBuilder(Fixtures.json("openapi/objects-v1932/billing.meter.json"))
                .add("id", meterId).add("event_name", eventName).add("status", "active").build();
        server.stubFor(get(urlPathEqualTo(METERS)).atPriority(PRIORITY).willReturn(ok(list(METERS, meter))));
        return this;
    }

    /** GET /v1/billing/meters/{id}/event_summaries answers one summary with this aggregated value. */
    public StripeBillingStub summaries(String meterId, String customerId, BigDecimal aggregated) {
        String path = METERS + "/" + meterId + "/event_summaries";
        JsonObject summary = Json.createObjectBuilder(
                        Fixtures.json("openapi/objects-v1932/billing.meter_event_summary.json"))
                .add("meter", meterId).add("aggregated_value", aggregated).build();
        server.stubFor(get(urlPathEqualTo(path)).atPriority(PRIORITY).willReturn(ok(list(path, summary))));
        return this;
    }

    private static String invoiceItem(String itemId) {
        return Json.createObjectBuilder(Fixtures.json("openapi/objects-v1932/invoiceitem.json"))
                .add("id", itemId).build().toString();
    }

    private static String list(String url, JsonObject item) {
        return Json.createObjectBuilder().add("object", "list").add("url", url).add("has_more", false)
                .add("data", Json.createArrayBuilder().add(item)).build().toString();
    }

    private static ResponseDefinitionBuilder ok(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withHeader("Stripe-Version", StripeApiStub.STRIPE_VERSION).withHeader("Request-Id", "req_harness_billing")
                .withBody(body);
    }

    private static ResponseDefinitionBuilder error(int status) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withHeader("Request-Id", "req_harness_billing_error")
                .withBody("{\"error\":{\"type\":\"api_error\",\"message\":\"Injected by the test harness\"}}");
    }
}
