package com.adventive.billing.it;

import com.adventive.billing.it.support.Await;
import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Invariants;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.ReceivedMail;
import com.adventive.billing.it.support.StripeSigner;
import com.adventive.billing.it.support.TestComponents;
import com.adventive.billing.it.support.UrlHitRecorder;
import com.adventive.billing.it.support.WebhookClient;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static com.adventive.billing.it.WorkAssertions.WORK_TIMEOUT;
import static com.adventive.billing.it.WorkAssertions.pdfText;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static com.adventive.billing.it.WorkAssertions.workState;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input, one row per case: malformed and hostile requests to the webhook, the usage intake and
 * the admin API (signatures, replays, content types, huge and deeply nested bodies, ids with
 * {@code ../}, SQL and HTML in names, remote URLs and CSS imports in invoice text, unknown event
 * types, forged tokens and JWTs, spellings of admin paths). Each is answered with the right status
 * and, for a refusal, an {@code application/problem+json} error naming a stable code; none stores
 * anything it should not (rows of events, work, usage and accounts are counted around each case);
 * none makes the worker fetch a URL (every URL in them points at a loopback server that records
 * hits); and the worker is healthy afterwards, with the invariants of every reliability scenario.
 */
@BillingIT
@Tag("reliability")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilityBadInputIT {

    private static final int MIB = 1024 * 1024;
    private static final String JSON = "Content-Type: application/json";
    private static final String ISSUER = "https://adventive-reliability.cloudflareaccess.com";
    private static final String AUDIENCE = "aud-" + UUID.randomUUID().toString().replace("-", "");
    private static final String CERTS_PATH = "/cdn-cgi/access/reliability-certs";

    /** Every URL hostile input names points here; a fetch would show up as a hit. */
    private static final UrlHitRecorder attacker = UrlHitRecorder.start();
    private static final AdminClient operator = new AdminClient();
    private static final RSAKey accessKey = rsaKey("reliability-key");
    private static final RSAKey foreignKey = rsaKey("attacker-key");
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    /** Invoices the hostile-content cases finalized (invoice id → email), for the invariants at the end. */
    private static final Map<String, String> finalized = new LinkedHashMap<>();
    private static final List<String> acceptedEvents = new ArrayList<>();
    private static StubMapping certs;

    /**
     * Refused by Liberty's web container before the application sees the request (an encoded
     * {@code /} or {@code ..} in the path): the right status, but Liberty's own HTML error page
     * instead of a problem (docs/reliability.md, findings).
     */
    private static final String BY_THE_CONTAINER = "(refused by Liberty)";

    /** What a case may add to the tables (all zero unless it is a request that should be kept). */
    record Stored(int events, int work, int usage, int accounts) {
        static final Stored NOTHING = new Stored(0, 0, 0, 0);
        static final Stored IGNORED_EVENT = new Stored(1, 0, 0, 0);
        static final Stored QUEUED_EVENT = new Stored(1, 1, 0, 0);
    }

    /**
     * One row: the request, the status and problem code it must get (null code: a 2xx answer), what
     * it may store, and anything further to check once answered (e.g. the work the event caused).
     */
    record Case(Supplier<RawHttp.Response> request, int status, String code, Stored stored,
                Consumer<RawHttp.Response> then) {
    }

    @BeforeAll
    static void credentialsAndAccessConfigured() {
        operator.register();
        BillingServer.writeSecret("CF_ACCESS_TEAM_DOMAIN", ISSUER);
        BillingServer.writeSecret("CF_ACCESS_AUD", AUDIENCE);
        BillingServer.writeSecret("CF_ACCESS_CERTS_URL", TestComponents.stripe().baseUrl() + CERTS_PATH);
        certs = TestComponents.stripe().wireMock().stubFor(get(urlPathEqualTo(CERTS_PATH)).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(new JWKSet(accessKey.toPublicJWK()).toString(true))));
        TestComponents.stripe().stubAccount();
    }

    @AfterAll
    static void cleanUp() {
        operator.unregister();
        for (String name : List.of("CF_ACCESS_TEAM_DOMAIN", "CF_ACCESS_AUD", "CF_ACCESS_CERTS_URL")) {
            BillingServer.removeSecret(name);
        }
        TestComponents.stripe().wireMock().removeStub(certs);
        attacker.close();
    }

    static Stream<Arguments> cases() {
        Map<String, Case> table = new LinkedHashMap<>();
        long now = Instant.now().getEpochSecond();
        String anEvent = Fixtures.invoiceFinalized().build().eventJson();

        // --- Webhook signatures and replays ---
        table.put("no Stripe-Signature", new Case(() -> RawHttp.post(WebhookClient.WEBHOOK_PATH, bytes(anEvent), JSON),
                400, "signature_missing", Stored.NOTHING, null));
        table.put("empty Stripe-Signature", new Case(() -> webhook(anEvent, ""), 400, "signature_missing", Stored.NOTHING, null));
        table.put("signature t=abc", new Case(() -> webhook(anEvent, "t=abc,v1=" + "0".repeat(64)),
                400, "signature_malformed", Stored.NOTHING, null));
        table.put("only a v0 signature", new Case(() -> webhook(anEvent, "t=" + now + ",v0=" + "0".repeat(64)),
                400, "signature_malformed", Stored.NOTHING, null));
        table.put("signature with SQL in it", new Case(() -> webhook(anEvent, "t=" + now + ",v1=' OR '1'='1"),
                400, "signature_malformed", Stored.NOTHING, null));
        table.put("well-formed wrong signature", new Case(() -> webhook(anEvent, "t=" + now + ",v1=" + "ab".repeat(32)),
                400, "signature_invalid", Stored.NOTHING, null));
        table.put("signed with a secret the worker does not have", new Case(() -> webhook(anEvent,
                new StripeSigner("whsec_attacker").header(anEvent)), 400, "signature_invalid", Stored.NOTHING, null));
        table.put("replayed timestamp, 301 s old", new Case(() -> webhook(anEvent,
                BillingServer.currentSigner().header(anEvent, Instant.now().getEpochSecond() - 301)),
                400, "signature_invalid", Stored.NOTHING, null));
        table.put("replayed timestamp, a day old", new Case(() -> webhook(anEvent,
                BillingServer.currentSigner().header(anEvent, Instant.now().getEpochSecond() - 86_400)),
                400, "signature_invalid", Stored.NOTHING, null));
        table.put("body changed after signing", new Case(() -> {
            String signature = BillingServer.currentSigner().header(anEvent);
            return webhook(anEvent.replace("\"amount_due\":", "\"amount_due\":1"), signature);
        }, 400, "signature_invalid", Stored.NOTHING, null));
        String replayed = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("replay")).build().eventJson();
        table.put("the same delivery replayed byte for byte", new Case(() -> {
            String signature = BillingServer.currentSigner().header(replayed);
            RawHttp.Response first = webhook(replayed, signature);
            assertEquals(200, first.status(), first.body());
            finalizedFrom(replayed);
            return webhook(replayed, signature);
        }, 200, null, Stored.QUEUED_EVENT, answer -> assertDisposition(answer, "duplicate")));

        // --- Content types and bodies ---
        table.put("signed body that is not JSON", new Case(() -> signed("hello, worker"), 400, "event_malformed",
                Stored.NOTHING, null));
        table.put("signed JSON array", new Case(() -> signed("[1,2,3]"), 400, "event_malformed", Stored.NOTHING, null));
        table.put("signed form-encoded body", new Case(() -> signedAs("id=evt_1&type=invoice.finalized",
                "Content-Type: application/x-www-form-urlencoded"), 400, "event_malformed", Stored.NOTHING, null));
        table.put("signed XML body", new Case(() -> signedAs("<event><id>evt_1</id></event>", "Content-Type: application/xml"),
                400, "event_malformed", Stored.NOTHING, null));
        table.put("signed body of invalid UTF-8", new Case(() -> {
            byte[] body = "{\"id\":\"evt_\u00ff\u00fe\",\"type\":\"invoice.finalized\"}".getBytes(StandardCharsets.ISO_8859_1);
            return RawHttp.post(WebhookClient.WEBHOOK_PATH, body, JSON,
                    "Stripe-Signature: " + BillingServer.currentSigner().header(body));
        }, 400, "event_malformed", Stored.NOTHING, null));
        table.put("signed, 1 MiB + 1 byte", new Case(() -> {
            byte[] body = new byte[MIB + 1];
            Arrays.fill(body, (byte) ' ');
            body[0] = '{';
            body[body.length - 1] = '}';
            return RawHttp.post(WebhookClient.WEBHOOK_PATH, body, JSON,
                    "Stripe-Signature: " + BillingServer.currentSigner().header(body));
        }, 413, "body_too_large", Stored.NOTHING, null));
        table.put("50 MiB announced, never sent", new Case(() -> RawHttp.stallAfter("POST", WebhookClient.WEBHOOK_PATH,
                bytes("{\"id\":"), JSON, "Content-Length: " + 50L * MIB,
                "Stripe-Signature: t=" + Instant.now().getEpochSecond() + ",v1=" + "0".repeat(64)),
                413, "body_too_large", Stored.NOTHING, null));
        table.put("signed, nested 100,000 arrays deep", new Case(() -> signed("{\"id\":\"" + Fixtures.stripeId("evt_", 24)
                + "\",\"type\":\"payout.paid\",\"data\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}"),
                400, "event_malformed", Stored.NOTHING, null));
        table.put("signed, nested 100,000 objects deep", new Case(() -> signed("{\"id\":\"" + Fixtures.stripeId("evt_", 24)
                + "\",\"type\":\"payout.paid\",\"data\":" + "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000) + "}"),
                400, "event_malformed", Stored.NOTHING, null));

        // --- Ids and names: path traversal, SQL, HTML ---
        table.put("event id with ../", new Case(() -> signed(event("evt_../../etc/passwd", "invoice.finalized")),
                400, "event_malformed", Stored.NOTHING, null));
        table.put("event id of 300 characters", new Case(() -> signed(event("evt_" + "a".repeat(296), "payout.paid")),
                400, "event_malformed", Stored.NOTHING, null));
        table.put("event type with SQL", new Case(() -> signed(event(Fixtures.stripeId("evt_", 24),
                "invoice.finalized'; DROP TABLE stripe_event;--")), 400, "event_malformed", Stored.NOTHING, null));
        table.put("event type with HTML", new Case(() -> signed(event(Fixtures.stripeId("evt_", 24),
                "<script>alert(1)</script>")), 400, "event_malformed", Stored.NOTHING, null));
        table.put("unknown event type", new Case(() -> signed(event(Fixtures.stripeId("evt_", 24), "payout.paid")),
                200, null, Stored.IGNORED_EVENT, answer -> assertDisposition(answer, "ignored")));
        table.put("unknown event type of six parts", new Case(() -> signed(event(Fixtures.stripeId("evt_", 24),
                "a.b.c.d.e.f")), 200, null, Stored.IGNORED_EVENT, answer -> assertDisposition(answer, "ignored")));
        table.put("HTML, script and a remote image in the customer's name", new Case(() -> invoiceEvent(b -> b
                .customerName("<script>fetch('" + attacker.url("/script") + "')</script><img src=\"" + attacker.url("/img.png")
                        + "\">Globex")), 200, null, Stored.QUEUED_EVENT,
                answer -> assertRenderedAsText(answer, "<script>")));
        table.put("CSS import and remote stylesheet in a line description", new Case(() -> invoiceEvent(b -> b
                .line("<style>@import url(" + attacker.url("/import.css") + ");</style><link rel=\"stylesheet\" href=\""
                        + attacker.url("/sheet.css") + "\">Consulting", 1, 1500)), 200, null, Stored.QUEUED_EVENT,
                answer -> assertRenderedAsText(answer, "@import")));
        table.put("CSS url() and a file: URL in a description", new Case(() -> invoiceEvent(b -> b
                .line("<div style=\"background:url(" + attacker.url("/bg.png") + ")\">x</div><iframe src=\"file:///etc/passwd\">",
                        2, 700)), 200, null, Stored.QUEUED_EVENT, answer -> {
                    String text = assertRenderedAsText(answer, "url(");
                    assertFalse(text.contains("root:x:0:0"), "no local file in the PDF");
                }));
        table.put("SQL in the customer's name", new Case(() -> invoiceEvent(b -> b
                .customerName("Robert'); DROP TABLE billing_invoice;--")), 200, null, Stored.QUEUED_EVENT,
                answer -> assertRenderedAsText(answer, "DROP TABLE billing_invoice")));
        table.put("invoice number with ../", new Case(() -> invoiceEvent(b -> b.number("../../../etc/passwd")),
                200, null, Stored.QUEUED_EVENT, answer -> assertRenderedAsText(answer, "../../../etc/passwd")));
        table.put("acct_id metadata with ../", new Case(() -> invoiceEvent(b -> b.acctId("../../other-account")),
                200, null, Stored.QUEUED_EVENT, answer -> {
                    String eventId = idOf(answer);
                    Await.until(WORK_TIMEOUT, () -> "failed".equals(workState(TestComponents.db(), eventId)),
                            "the work of an unresolvable account to fail");
                    assertEquals("account_unresolved", WorkTestSupport.workRow(TestComponents.db(), eventId)
                            .get("failure_reason"));
                    assertTrue(TestComponents.bucket().keys().stream().noneMatch(k -> k.contains("..")),
                            "no bucket key with ..");
                }));
        table.put("a Bcc header smuggled into the customer's email", new Case(() -> invoiceEvent(b -> b
                .customerEmail("victim@customer.example\r\nBcc: thief@attacker.example")), 200, null, Stored.QUEUED_EVENT,
                answer -> {
                    String eventId = idOf(answer);
                    Await.until(WORK_TIMEOUT, () -> Set.of("done", "skipped", "failed")
                            .contains(workState(TestComponents.db(), eventId)), "the work to end");
                    Map<String, Object> row = WorkTestSupport.workRow(TestComponents.db(), eventId);
                    assertTrue(!"failed".equals(row.get("state")) || row.get("failure_reason") != null, row.toString());
                    assertEquals(0, TestComponents.mailbox().countTo("thief@attacker.example"), "nothing to the smuggled Bcc");
                }));

        // --- Usage intake ---
        table.put("usage without credentials", new Case(() -> RawHttp.post("/usage",
                bytes(UsageIngestIT.record("acct_Reliability000001", "2026-11", "impressions", "1", "u-1")), JSON),
                401, "credentials_missing", Stored.NOTHING, null));
        table.put("usage body that is not JSON", new Case(() -> usage("{\"acct_id\":"), 400, "invalid_usage",
                Stored.NOTHING, null));
        table.put("usage nested 100,000 arrays deep", new Case(() -> usage("{\"records\":" + "[".repeat(100_000)
                + "]".repeat(100_000) + "}"), 400, "invalid_usage", Stored.NOTHING, null));
        table.put("usage with an acct_id of ../", new Case(() -> usage(UsageIngestIT.record("../../etc/passwd",
                "2026-11", "impressions", "1", "u-traversal")), 200, null, Stored.NOTHING,
                answer -> assertUsageStatus(answer, "rejected")));
        table.put("usage with SQL as source_id, for an unknown account", new Case(() -> usage(UsageIngestIT.record(
                "acct_Reliability000002", "2026-11", "impressions", "1", "x'); DELETE FROM usage_record;--")),
                200, null, Stored.NOTHING, answer -> assertUsageStatus(answer, "rejected")));

        // --- Admin: forged credentials ---
        table.put("service token of an unknown client", new Case(() -> RawHttp.get("/admin/work?state=failed",
                "CF-Access-Client-Id: attacker.access", "CF-Access-Client-Secret: guess"),
                403, "service_token_unknown_client", Stored.NOTHING, null));
        table.put("service token with the wrong secret", new Case(() -> RawHttp.get("/admin/work?state=failed",
                "CF-Access-Client-Id: " + operator.clientId(), "CF-Access-Client-Secret: " + operator.secret() + "x"),
                403, "service_token_wrong_secret", Stored.NOTHING, null));
        table.put("half a service token", new Case(() -> RawHttp.get("/admin/work?state=failed",
                "CF-Access-Client-Id: " + operator.clientId()), 401, "service_token_incomplete", Stored.NOTHING, null));
        table.put("JWT with alg none", new Case(() -> jwtCall(new PlainJWT(claims().build()).serialize()),
                403, "access_jwt_unsigned", Stored.NOTHING, null));
        table.put("JWT signed HS256 with the audience as key", new Case(() -> jwtCall(hs256()),
                403, "access_jwt_algorithm_refused", Stored.NOTHING, null));
        table.put("JWT signed by another key, jku and x5u pointing elsewhere", new Case(() -> jwtCall(foreignSigned()),
                403, "access_jwt_unknown_key", Stored.NOTHING, null));
        table.put("JWT of the right key with a forged payload", new Case(() -> jwtCall(tamperedPayload()),
                403, "access_jwt_bad_signature", Stored.NOTHING, null));
        table.put("expired JWT of the right key", new Case(() -> jwtCall(sign(accessKey,
                c -> c.expirationTime(Date.from(Instant.now().minusSeconds(600))))),
                403, "access_jwt_expired", Stored.NOTHING, null));
        table.put("JWT for another audience", new Case(() -> jwtCall(sign(accessKey, c -> c.audience("someone-else"))),
                403, "access_jwt_wrong_audience", Stored.NOTHING, null));
        table.put("JWT that is not a JWT", new Case(() -> jwtCall("abc.def.ghi"), 403, "access_jwt_malformed",
                Stored.NOTHING, null));

        // --- Admin: spellings of admin paths, ids with ../, SQL and HTML in admin input ---
        // Authenticated like /admin (401), or matching no resource (404): never let in (AdminPathSpellingIT has them all).
        for (String spelling : List.of("//admin/work", "/admin;x=1/work", "/%61dmin/work")) {
            table.put("admin path spelled " + spelling, new Case(() -> RawHttp.get(spelling), 401, "credentials_missing",
                    Stored.NOTHING, null));
        }
        for (String spelling : List.of("/./admin/work", "/webhooks/../admin/work")) {
            table.put("admin path spelled " + spelling, new Case(() -> RawHttp.get(spelling), 404, "not_found",
                    Stored.NOTHING, null));
        }
        table.put("admin path spelled /webhooks/%2e%2e/admin/work", new Case(() -> RawHttp.get("/webhooks/%2e%2e/admin/work"),
                400, BY_THE_CONTAINER, Stored.NOTHING, null));
        table.put("invoice id with ../ (encoded)", new Case(() -> admin("GET", "/admin/invoices/in_..%2F..%2Fetc%2Fpasswd", null),
                400, BY_THE_CONTAINER, Stored.NOTHING, null));
        table.put("invoice id with ..", new Case(() -> admin("GET", "/admin/invoices/in_..", null),
                400, "invoice_id_invalid", Stored.NOTHING, null));
        table.put("PDF version with ../", new Case(() -> admin("GET", "/admin/invoices/in_Reliability0001/pdf?version=..%2F..%2Fx",
                null), 400, "version_invalid", Stored.NOTHING, null));
        table.put("render-pdf of ../../etc/passwd", new Case(() -> admin("POST", "/admin/render-pdf",
                "{\"invoice_id\":\"../../etc/passwd\"}"), 400, "invoice_id_invalid", Stored.NOTHING, null));
        table.put("resend-invoice with HTML as invoice id", new Case(() -> admin("POST", "/admin/resend-invoice",
                "{\"invoice_id\":\"in_<script>alert(1)</script>\"}"), 400, "invoice_id_invalid", Stored.NOTHING, null));
        table.put("account id with ../ (encoded)", new Case(() -> admin("PUT", "/admin/accounts/acct_..%2F..%2Fescape",
                "{\"stripe_customer_id\":\"cus_Reliability01\",\"billed_by\":\"stripe\"}"), 400, BY_THE_CONTAINER,
                Stored.NOTHING, null));
        table.put("account id with ..", new Case(() -> admin("PUT", "/admin/accounts/acct_..",
                "{\"stripe_customer_id\":\"cus_Reliability01\",\"billed_by\":\"stripe\"}"), 400, "invalid_acct_id",
                Stored.NOTHING, null));
        table.put("account body nested 100,000 objects deep", new Case(() -> admin("PUT", "/admin/accounts/acct_Reliability000005",
                "{\"stripe_customer_id\":" + "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000) + "}"), 400, "invalid_body",
                Stored.NOTHING, null));
        table.put("render-pdf body nested 100,000 arrays deep", new Case(() -> admin("POST", "/admin/render-pdf",
                "{\"invoice_id\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}"), 400, "invalid_request",
                Stored.NOTHING, null));
        table.put("resend-invoice body nested 100,000 objects deep", new Case(() -> admin("POST", "/admin/resend-invoice",
                "{\"invoice_id\":" + "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000) + "}"), 400, "invalid_request",
                Stored.NOTHING, null));
        table.put("account with SQL as customer id", new Case(() -> admin("PUT", "/admin/accounts/acct_Reliability000003",
                "{\"stripe_customer_id\":\"cus_'; DROP TABLE billing_account;--\",\"billed_by\":\"stripe\"}"),
                400, "invalid_stripe_customer_id", Stored.NOTHING, null));
        table.put("account billed by HTML", new Case(() -> admin("PUT", "/admin/accounts/acct_Reliability000004",
                "{\"stripe_customer_id\":\"cus_Reliability04\",\"billed_by\":\"<b>stripe</b>\"}"), 400, "invalid_billed_by",
                Stored.NOTHING, null));
        table.put("events filter with SQL", new Case(() -> admin("GET", "/admin/events?type=x%27%20OR%20%271%27%3D%271",
                null), 400, "invalid_request", Stored.NOTHING, null));

        return table.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @Order(1)
    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("cases")
    void eachBadRequestGetsTheRightAnswerAndStoresNothingItShouldNot(String name, Case row, Db db) {
        Counts before = Counts.of(db);
        RawHttp.Response answer = row.request().get();
        String what = name + " → " + answer.status() + " " + abbreviated(answer.body());
        System.out.println("[reliability bad input] " + what);
        assertEquals(row.status(), answer.status(), what);
        if (BY_THE_CONTAINER.equals(row.code())) {
            assertTrue(answer.body().contains("<html") || answer.body().contains("<!DOCTYPE"), what);
        } else if (row.code() != null) {
            assertProblem(answer, row.status(), row.code(), what);
        } else if (answer.status() == 200 && answer.body().contains("\"received\"")) {
            acceptedEvents.add(idOf(answer));
        }
        if (row.then() != null) {
            row.then().accept(answer);
        }
        Counts after = Counts.of(db);
        assertEquals(before.plus(row.stored()), after, "what " + name + " stored");
        assertEquals(List.of(), attacker.hits(), "the worker fetched a URL from hostile input (" + name + ")");
    }

    @Order(2)
    @Test
    void theWorkerIsHealthyAfterwardsAndTheInvariantsHold(Db db, Mailbox mailbox, WebhookClient webhook) {
        HttpResponse<String> ready = webhook.get("/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        var invoice = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("after-bad-input")).build();
        TestComponents.stripe().stubInvoice(invoice, 100);
        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        acceptedEvents.add(invoice.eventId());
        finalized.put(invoice.invoiceId(), invoice.customerEmail());
        assertEquals(1, mailbox.waitFor(invoice.customerEmail(), 1).size(), "a good event still goes through");

        var summary = Invariants.of(db).acceptedEvents(acceptedEvents).finalizedInvoices(finalized)
                .allowingFailuresWithAReason().awaitAndAssert(Duration.ofSeconds(150));
        assertEquals(List.of(), attacker.hits(), "no URL fetched");
        System.out.println("[reliability bad input] afterwards: " + summary + "; load " + ReliabilityLoad.uptime());
    }

    // --- Requests ---

    private static RawHttp.Response webhook(String body, String signature) {
        return RawHttp.post(WebhookClient.WEBHOOK_PATH, bytes(body), JSON, "Stripe-Signature: " + signature);
    }

    private static RawHttp.Response signed(String body) {
        return signedAs(body, JSON);
    }

    private static RawHttp.Response signedAs(String body, String contentType) {
        return RawHttp.post(WebhookClient.WEBHOOK_PATH, bytes(body), contentType,
                "Stripe-Signature: " + BillingServer.currentSigner().header(body));
    }

    /** A signed invoice.finalized built with the given hostile detail; its invoice joins the invariants. */
    private static RawHttp.Response invoiceEvent(Consumer<Fixtures.InvoiceEventBuilder> hostile) {
        Fixtures.InvoiceEventBuilder builder = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("hostile"));
        hostile.accept(builder);
        var invoice = builder.build();
        TestComponents.stripe().stubInvoice(invoice, 100); // a retry rechecks the status with Stripe
        RawHttp.Response answer = signed(invoice.eventJson());
        if (invoice.acctId() != null && invoice.acctId().startsWith("acct_") && !invoice.customerEmail().contains("\n")) {
            finalized.put(invoice.invoiceId(), invoice.customerEmail());
        }
        return answer;
    }

    private static void finalizedFrom(String eventJson) {
        JsonObject object = Fixtures.parse(eventJson).getJsonObject("data").getJsonObject("object");
        finalized.put(object.getString("id"), object.getString("customer_email"));
    }

    private static String event(String id, String type) {
        return Json.createObjectBuilder().add("id", id).add("object", "event").add("type", type)
                .add("api_version", Fixtures.DEFAULT_API_VERSION).add("created", Instant.now().getEpochSecond())
                .add("data", Json.createObjectBuilder().add("object", Json.createObjectBuilder()
                        .add("id", "po_" + UUID.randomUUID().toString().replace("-", ""))))
                .build().toString();
    }

    private static RawHttp.Response usage(String body) {
        return RawHttp.post("/usage", bytes(body), JSON, "CF-Access-Client-Id: " + operator.clientId(),
                "CF-Access-Client-Secret: " + operator.secret());
    }

    private static RawHttp.Response jwtCall(String token) {
        return RawHttp.get("/admin/work?state=failed", "Cf-Access-Jwt-Assertion: " + token);
    }

    /** An admin call with valid credentials (java.net.http, which keeps percent-encoding as given). */
    private static RawHttp.Response admin(String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(BillingServer.url(path)))
                .timeout(Duration.ofSeconds(60))
                .header("CF-Access-Client-Id", operator.clientId())
                .header("CF-Access-Client-Secret", operator.secret())
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, String> headers = new LinkedHashMap<>();
            response.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(", ", v)));
            return new RawHttp.Response(response.statusCode(), headers, response.body());
        } catch (Exception e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        }
    }

    // --- JWTs ---

    private static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(List.of(AUDIENCE)).subject("reliability-operator")
                .claim("email", "operator@adventive.com").issueTime(Date.from(now)).notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
    }

    private static String sign(RSAKey key, Consumer<JWTClaimsSet.Builder> adjust) {
        return sign(key, new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
                adjust);
    }

    private static String sign(RSAKey key, JWSHeader header, Consumer<JWTClaimsSet.Builder> adjust) {
        JWTClaimsSet.Builder claims = claims();
        adjust.accept(claims);
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static String foreignSigned() {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(foreignKey.getKeyID())
                .jwkURL(URI.create(attacker.url("/jwks.json"))).x509CertURL(URI.create(attacker.url("/cert.pem")))
                .type(JOSEObjectType.JWT).build();
        return sign(foreignKey, header, c -> { });
    }

    private static String hs256() {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(accessKey.getKeyID()).build(),
                claims().build());
        try {
            jwt.sign(new MACSigner((AUDIENCE + AUDIENCE).getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** A real token of the right key whose payload is swapped for one naming someone else. */
    private static String tamperedPayload() {
        String[] parts = sign(accessKey, c -> { }).split("\\.");
        String forged = Base64URL.encode(claims().subject("admin").claim("email", "ceo@adventive.com").build()
                .toString()).toString();
        return parts[0] + "." + forged + "." + parts[2];
    }

    private static RSAKey rsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- Checks ---

    /** Rows a case could add where it should not. */
    record Counts(long events, long work, long usage, long accounts) {
        static Counts of(Db db) {
            return new Counts(db.count("SELECT COUNT(*) FROM stripe_event"), db.count("SELECT COUNT(*) FROM work_item"),
                    db.count("SELECT COUNT(*) FROM usage_record"), db.count("SELECT COUNT(*) FROM billing_account"));
        }

        Counts plus(Stored stored) {
            return new Counts(events + stored.events(), work + stored.work(), usage + stored.usage(),
                    accounts + stored.accounts());
        }
    }

    private static void assertProblem(RawHttp.Response answer, int status, String code, String what) {
        assertTrue(String.valueOf(answer.header("Content-Type")).startsWith("application/problem+json"),
                what + " " + answer.headers());
        JsonObject problem = Json.createReader(new StringReader(answer.body())).readObject();
        assertEquals(code, problem.getString("code", null), what);
        assertEquals(status, problem.getInt("status", -1), what);
        assertFalse(problem.getString("title", "").isBlank(), "a problem says what was wrong: " + what);
    }

    private static void assertDisposition(RawHttp.Response answer, String disposition) {
        assertEquals(disposition, Json.createReader(new StringReader(answer.body())).readObject().getString("disposition"),
                answer.body());
    }

    private static void assertUsageStatus(RawHttp.Response answer, String status) {
        JsonObject result = Json.createReader(new StringReader(answer.body())).readObject().getJsonArray("results")
                .getJsonObject(0);
        assertEquals(status, result.getString("status"), answer.body());
        assertFalse(result.getString("reason", "").isBlank(), "a rejection names its reason: " + answer.body());
    }

    /**
     * The hostile text reached the customer as text: the work is done, the PDF shows it literally,
     * the one email's HTML has it escaped. Returns the PDF's text.
     */
    private static String assertRenderedAsText(RawHttp.Response answer, String literal) {
        String eventId = idOf(answer);
        Db db = TestComponents.db();
        Await.until(WORK_TIMEOUT, () -> "done".equals(workState(db, eventId)), "the work of " + eventId + " to be done");
        String invoiceId = (String) db.rows("SELECT object_id FROM stripe_event WHERE event_id = ?", eventId).get(0)
                .get("object_id");
        String key = (String) WorkAssertions.invoiceRow(db, invoiceId).get("pdf_key");
        assertTrue(key.matches("acct_[A-Za-z0-9]+/[0-9a-f-]{36}\\.pdf"), "bucket key " + key);
        String text = pdfText(TestComponents.bucket().get(key).orElseThrow());
        assertTrue(text.replaceAll("\\s+", "").contains(literal.replaceAll("\\s+", "")),
                "the PDF shows " + literal + " as text:\n" + text);
        String email = (String) WorkAssertions.invoiceRow(db, invoiceId).get("customer_email");
        List<ReceivedMail> mails = TestComponents.mailbox().waitFor(email, 1);
        assertEquals(1, mails.size());
        String html = String.valueOf(mails.get(0).html());
        assertFalse(html.contains("<script") || html.contains("<img src=\"" + attacker.url(""))
                        || html.contains("<style>@import") || html.contains("<link rel=\"stylesheet\" href=\"" + attacker.url("")),
                "no live markup from the invoice in the email: " + html);
        return text;
    }

    private static String idOf(RawHttp.Response answer) {
        return Json.createReader(new StringReader(answer.body())).readObject().getString("id");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String abbreviated(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }
}
