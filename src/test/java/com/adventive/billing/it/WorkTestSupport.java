package com.adventive.billing.it;

import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.StripeApiStub;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import jakarta.json.Json;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/** Shared by the work-claim tests: slow or changed Stripe answers for one invoice, and work rows. */
final class WorkTestSupport {

    /** Above the harness's own stubs (5), below its "no API key → 401" rule (1) and its failure overrides (2). */
    static final int PRIORITY_OVER_STUBS = 3;

    private WorkTestSupport() {
    }

    static String invoicePath(Fixtures.FinalizedInvoice invoice) {
        return "/v1/invoices/" + invoice.invoiceId();
    }

    /** The invoice as Stripe would return it now, with another status (void, uncollectible, …). */
    static String withStatus(String invoiceJson, String status) {
        return Json.createObjectBuilder(Fixtures.parse(invoiceJson)).add("status", status).build().toString();
    }

    static ResponseDefinitionBuilder invoiceAnswer(String invoiceJson) {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withHeader("Stripe-Version", StripeApiStub.STRIPE_VERSION)
                .withHeader("Request-Id", "req_harness_work")
                .withBody(invoiceJson);
    }

    /** GET of the invoice itself (not its /lines) answers only after {@code delayMillis}. */
    static void slowInvoice(StripeApiStub stripe, Fixtures.FinalizedInvoice invoice, int delayMillis) {
        stripe.wireMock().stubFor(get(urlPathEqualTo(invoicePath(invoice)))
                .atPriority(PRIORITY_OVER_STUBS)
                .willReturn(invoiceAnswer(invoice.invoiceJson()).withFixedDelay(delayMillis)));
    }

    /** Requests for exactly the invoice (its /lines pages not counted). */
    static long invoiceFetches(StripeApiStub stripe, Fixtures.FinalizedInvoice invoice) {
        return stripe.wireMock().getAllServeEvents().stream()
                .map(ServeEvent::getRequest)
                .filter(r -> URI.create(r.getUrl()).getPath().equals(invoicePath(invoice)))
                .count();
    }

    static Map<String, Object> workRow(Db db, String eventId) {
        List<Map<String, Object>> rows = db.rows("SELECT * FROM work_item WHERE event_id = ?", eventId);
        if (rows.isEmpty()) {
            throw new AssertionError("no work item for " + eventId);
        }
        return rows.get(0);
    }

    static int attempts(Db db, String eventId) {
        return ((Number) workRow(db, eventId).get("attempts")).intValue();
    }

    static long operationalEventsOfEvent(Db db, String type, String eventId) {
        return db.count("SELECT COUNT(*) FROM operational_event WHERE event_type = ? AND stripe_event_id = ?",
                type, eventId);
    }
}
