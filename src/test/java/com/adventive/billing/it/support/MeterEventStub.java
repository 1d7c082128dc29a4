package com.adventive.billing.it.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/**
 * Stripe's {@code POST /v1/billing/meter_events} on the WireMock stand-in, and what reached it.
 * Stubs sit between the harness's failure overrides and its catch-all 404, and go with
 * {@link StripeApiStub#reset()} like every other stub.
 */
public final class MeterEventStub {

    public static final String PATH = "/v1/billing/meter_events";
    private static final int PRIORITY = 5;
    private static final String SCENARIO = "meter events fail first";

    private final WireMockServer server;

    public MeterEventStub(StripeApiStub stripe) {
        this.server = stripe.wireMock();
    }

    /** Every meter event is accepted. */
    public MeterEventStub accepting() {
        server.stubFor(post(urlPathEqualTo(PATH)).atPriority(PRIORITY).willReturn(accepted()));
        return this;
    }

    /** The first meter event request answers with this status, every later one is accepted. */
    public MeterEventStub failingOnceWith(int status) {
        server.stubFor(post(urlPathEqualTo(PATH)).atPriority(PRIORITY)
                .inScenario(SCENARIO).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(error(status)).willSetStateTo("failed once"));
        server.stubFor(post(urlPathEqualTo(PATH)).atPriority(PRIORITY)
                .inScenario(SCENARIO).whenScenarioStateIs("failed once")
                .willReturn(accepted()));
        return this;
    }

    /** Every meter event request answers with this status. */
    public MeterEventStub alwaysFailingWith(int status) {
        server.stubFor(post(urlPathEqualTo(PATH)).atPriority(PRIORITY).willReturn(error(status)));
        return this;
    }

    /** Every request that reached the meter events endpoint, oldest first. */
    public List<Sent> sent() {
        return server.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().startsWith(PATH))
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .map(MeterEventStub::sent)
                .toList();
    }

    /** Requests Stripe answered with success: meter events it counted. */
    public List<Sent> counted() {
        return sent().stream().filter(s -> s.status() / 100 == 2).toList();
    }

    /** One meter event request: its form fields, its idempotency key and the status it was answered with. */
    public record Sent(Map<String, String> form, String idempotencyKey, int status) {
        public String identifier() {
            return form.get("identifier");
        }
    }

    private static Sent sent(ServeEvent event) {
        Request request = event.getRequest();
        return new Sent(form(request.getBodyAsString()), request.getHeader("Idempotency-Key"),
                event.getResponse().getStatus());
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.put(name, value);
        }
        return form;
    }

    private static ResponseDefinitionBuilder accepted() {
        return aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withHeader("Stripe-Version", StripeApiStub.STRIPE_VERSION)
                .withHeader("Request-Id", "req_harness_meter")
                .withBody("{\"object\":\"billing.meter_event\",\"event_name\":\"impressions\",\"livemode\":false,"
                        + "\"created\":1764090000,\"payload\":{},\"timestamp\":1764090000}");
    }

    private static ResponseDefinitionBuilder error(int status) {
        return aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withHeader("Request-Id", "req_harness_meter_error")
                .withBody("{\"error\":{\"type\":\"api_error\",\"message\":\"Injected by the test harness\"}}");
    }
}
