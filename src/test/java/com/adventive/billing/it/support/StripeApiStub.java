package com.adventive.billing.it.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.StringReader;
import java.net.URI;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * The Stripe API stand-in (WireMock) that the worker's {@code STRIPE_API_BASE} points at.
 *
 * <p>Stubs match on the path only, so whatever query stripe-java adds ({@code expand[0]=…},
 * {@code limit}, {@code starting_after}) still matches. Like Stripe, a request without an
 * {@code Authorization} header gets 401 and an unknown object gets a 404 {@code resource_missing}
 * error, so the worker sees the errors it would see in production.
 */
public final class StripeApiStub {

    public static final String ACCOUNT_ID = "acct_1HarnessPlatform0";
    public static final String STRIPE_VERSION = "2025-08-27.basil";

    /** WireMock picks the stub with the lowest priority number; the default is 5. */
    private static final int PRIORITY_AUTH_REQUIRED = 1;
    private static final int PRIORITY_OVERRIDE = 2;
    private static final int PRIORITY_CATCH_ALL = 10;

    private final WireMockServer server;
    private final StripeListPager pager;

    private StripeApiStub(WireMockServer server, StripeListPager pager) {
        this.server = server;
        this.pager = pager;
    }

    /** {@code port} 0: WireMock picks one. */
    static StripeApiStub launch(int port) {
        StripeListPager pager = new StripeListPager();
        WireMockServer server = new WireMockServer(options()
                .bindAddress("127.0.0.1")
                .port(port)
                .extensions(pager));
        server.start();
        StripeApiStub stub = new StripeApiStub(server, pager);
        stub.stubBaseline();
        return stub;
    }

    /** What the worker is configured with as {@code STRIPE_API_BASE}: plain http on loopback. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public int port() {
        return server.port();
    }

    /** The WireMock server, for anything this class does not cover. */
    public WireMockServer wireMock() {
        return server;
    }

    /** GET /v1/invoices/{id}, with any query string. The id is read from the JSON. */
    public void stubInvoice(String invoiceJson) {
        stubObject("/v1/invoices/" + idOf(invoiceJson), invoiceJson);
    }

    /**
     * GET /v1/invoices/{id}/lines, served in pages as Stripe does. {@code maxPageSize} caps the page
     * whatever {@code limit} the client asks for, so tests can force several pages.
     */
    public void stubInvoiceLines(String invoiceId, List<String> lineJsons, int maxPageSize) {
        String path = "/v1/invoices/" + invoiceId + "/lines";
        pager.serve(path, lineJsons, maxPageSize);
        server.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withTransformers(StripeListPager.NAME)));
    }

    /**
     * GET /v1/invoices/{id} answers only after {@code delay}, as a Stripe that hangs: a worker that
     * fetches it is held at a known point. A later {@link #stubInvoice(String)} takes over.
     */
    public void stubInvoiceAnsweringAfter(String invoiceJson, Duration delay) {
        server.stubFor(get(urlPathEqualTo("/v1/invoices/" + idOf(invoiceJson))).willReturn(objectResponse(invoiceJson)
                .withFixedDelay(Math.toIntExact(delay.toMillis()))));
    }

    /** Stubs the invoice and all its line pages from one built fixture. */
    public void stubInvoice(Fixtures.FinalizedInvoice invoice, int maxLinePageSize) {
        stubInvoice(invoice.invoiceJson());
        stubInvoiceLines(invoice.invoiceId(), invoice.lineJsons(), maxLinePageSize);
        stubCustomer(invoice.customerJson());
    }

    public void stubCustomer(String customerJson) {
        stubObject("/v1/customers/" + idOf(customerJson), customerJson);
    }

    public void stubPrice(String priceJson) {
        stubObject("/v1/prices/" + idOf(priceJson), priceJson);
    }

    /** GET on any path answers the object, e.g. {@code stubGet("/v1/subscriptions/sub_1", json)}. */
    public void stubGet(String path, String json) {
        stubObject(path, json);
    }

    /** POST on the path answers the object (a created session, say); the request is recorded as any other. */
    public void stubPost(String path, String json) {
        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlPathEqualTo(path))
                .willReturn(objectResponse(json)));
    }

    /** Any Stripe list endpoint (e.g. GET /v1/events), served in pages as Stripe does; see {@link #stubInvoiceLines}. */
    public void stubList(String path, List<String> itemJsons, int maxPageSize) {
        pager.serve(path, itemJsons, maxPageSize);
        server.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withTransformers(StripeListPager.NAME)));
    }

    /** GET /v1/account: a cheap authenticated call, used by the worker's health check. */
    public void stubAccount() {
        String account = Json.createObjectBuilder()
                .add("id", ACCOUNT_ID)
                .add("object", "account")
                .add("business_type", "company")
                .add("charges_enabled", true)
                .add("country", "US")
                .add("default_currency", "usd")
                .add("details_submitted", true)
                .add("email", "billing@adventive.com")
                .add("payouts_enabled", true)
                .add("type", "standard")
                .build().toString();
        stubObject("/v1/account", account);
    }

    /**
     * Every request whose path starts with the prefix answers with a Stripe error, taking precedence
     * over the normal stubs until {@link #reset()}: e.g. {@code failRequests("/v1/invoices", 500)}.
     */
    public void failRequests(String pathPrefix, int status) {
        server.stubFor(any(urlPathMatching(Pattern.quote(pathPrefix) + ".*"))
                .atPriority(PRIORITY_OVERRIDE)
                .willReturn(ResponseDefinitionBuilder.like(error(status, "harness_failure", "Injected by the test harness"))));
    }

    /** Forgets all stubs, list data and recorded requests; keeps the baseline (account, 401, 404). */
    public void reset() {
        server.resetAll();
        pager.clear();
        stubBaseline();
    }

    /** How many requests reached a path starting with the prefix, e.g. {@code "/v1/invoices/in_123/lines"}. */
    public int requestsTo(String pathPrefix) {
        return requests(pathPrefix).size();
    }

    /** Requests with this HTTP method (GET, POST, DELETE, …) to paths starting with the prefix, oldest first. */
    public List<LoggedRequest> requests(String method, String pathPrefix) {
        return requests(pathPrefix).stream().filter(r -> r.getMethod().getName().equalsIgnoreCase(method)).toList();
    }

    /** Requests that would change something at Stripe (anything but GET) to paths starting with the prefix. */
    public List<LoggedRequest> changingRequests(String pathPrefix) {
        return requests(pathPrefix).stream().filter(r -> !"GET".equalsIgnoreCase(r.getMethod().getName())).toList();
    }

    /** Requests (method, url with query, headers) to paths starting with the prefix, oldest first. */
    public List<LoggedRequest> requests(String pathPrefix) {
        return server.getAllServeEvents().stream()
                .map(ServeEvent::getRequest)
                .filter(r -> URI.create(r.getUrl()).getPath().startsWith(pathPrefix))
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate))
                .toList();
    }

    private void stubBaseline() {
        server.stubFor(any(anyUrl())
                .withHeader("Authorization", absent())
                .atPriority(PRIORITY_AUTH_REQUIRED)
                .willReturn(ResponseDefinitionBuilder.like(error(401, null,
                        "You did not provide an API key. You need to provide your API key in the Authorization header."))));
        server.stubFor(any(anyUrl())
                .atPriority(PRIORITY_CATCH_ALL)
                .willReturn(ResponseDefinitionBuilder.like(error(404, "resource_missing", "No such object (harness has no stub)"))));
        stubAccount();
    }

    private void stubObject(String path, String json) {
        server.stubFor(get(urlPathEqualTo(path)).willReturn(objectResponse(json)));
    }

    private static ResponseDefinitionBuilder objectResponse(String json) {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withHeader("Stripe-Version", STRIPE_VERSION)
                .withHeader("Request-Id", "req_harness")
                .withBody(json);
    }

    private static String idOf(String objectJson) {
        JsonObject object = Json.createReader(new StringReader(objectJson)).readObject();
        return object.getString("id");
    }

    /** A response in Stripe's error shape, which stripe-java turns into the matching exception. */
    static ResponseDefinition error(int status, String code, String message) {
        var error = Json.createObjectBuilder()
                .add("type", status >= 500 ? "api_error" : "invalid_request_error")
                .add("message", message);
        if (code != null) {
            error.add("code", code);
        }
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(Json.createObjectBuilder().add("error", error).build().toString())
                .build();
    }
}
