package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.TestComponents;
import com.adventive.billing.it.support.WebhookClient;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin gate against the real server: who gets in (service tokens, Cloudflare Access JWTs), who
 * is refused and how (401/403 as problem+json), the audit trail of both, configuration rotated at
 * runtime through SECRETS_DIR, and that secrets never reach the audit table or the server log.
 */
@BillingIT
class AdminAuthIT {

    private static final String ADMIN_PATH = "/admin/work";
    private static final String ADMIN_CALL = ADMIN_PATH + "?state=failed";

    private static final String CLIENT_ID = "it-operator.access";
    private static final String SECRET = "it-secret-" + UUID.randomUUID();
    private static final String ISSUER = "https://adventive-it.cloudflareaccess.com";
    private static final String AUDIENCE = "aud-" + UUID.randomUUID().toString().replace("-", "");
    private static final String CERTS_PATH = "/cdn-cgi/access/certs";
    private static final String[] SETTINGS = {
            "ADMIN_SERVICE_TOKENS", "CF_ACCESS_TEAM_DOMAIN", "CF_ACCESS_AUD", "CF_ACCESS_CERTS_URL"};

    private static final RSAKey SIGNING_KEY = rsaKey("it-key-1");
    private static final List<StubMapping> stubs = new ArrayList<>();

    @BeforeAll
    static void configureAdminAuth() {
        BillingServer.writeSecret("ADMIN_SERVICE_TOKENS", tokenEntry(CLIENT_ID, SECRET));
        BillingServer.writeSecret("CF_ACCESS_TEAM_DOMAIN", ISSUER);
        BillingServer.writeSecret("CF_ACCESS_AUD", AUDIENCE);
        BillingServer.writeSecret("CF_ACCESS_CERTS_URL", certsUrl(CERTS_PATH));
    }

    @BeforeEach
    void publishKeys() {
        // Again before each test: another class may have reset the WireMock stubs in between.
        publish(CERTS_PATH, SIGNING_KEY);
    }

    @AfterAll
    static void removeAdminAuth() {
        for (String name : SETTINGS) {
            BillingServer.removeSecret(name);
        }
        stubs.forEach(TestComponents.stripe().wireMock()::removeStub);
    }

    // --- Service tokens ---

    @Test
    void withoutCredentialsTheAnswerIs401ProblemNamingTheAcceptedSchemes(WebhookClient http, Db db) {
        long before = lastAuditId(db);
        HttpResponse<String> response = http.get(ADMIN_CALL);

        assertEquals(401, response.statusCode(), response.body());
        assertProblem(response, 401);
        List<String> challenges = response.headers().allValues("WWW-Authenticate");
        assertTrue(String.join(",", challenges).contains("CF-Access-Service-Token"), challenges.toString());
        assertTrue(String.join(",", challenges).contains("CF-Access-Jwt"), challenges.toString());
        assertRefusal(onlyAuditRowAfter(db, before), 401, "credentials_missing");
    }

    @Test
    void everyAdminPathIsBehindTheGateEvenOnesThatDoNotExist(WebhookClient http) {
        assertEquals(401, http.get("/admin").statusCode());
        assertEquals(401, http.get("/admin/no-such-thing").statusCode());
        assertEquals(401, http.get("/%61dmin/work").statusCode(), "an encoded path is the same path");
        assertEquals(401, http.postRaw("/admin/resend-invoice", "{}".getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json")).statusCode());
    }

    @Test
    void halfAServiceTokenIs401(WebhookClient http) {
        HttpResponse<String> response = http.get(ADMIN_CALL, Map.of("CF-Access-Client-Id", CLIENT_ID));
        assertEquals(401, response.statusCode());
        assertTrue(response.body().contains("service_token_incomplete"), response.body());
    }

    @Test
    void aWrongSecretIs403AndTheRefusalNamesTheClient(WebhookClient http, Db db) {
        long before = lastAuditId(db);
        HttpResponse<String> response = http.get(ADMIN_CALL, serviceToken(CLIENT_ID, "wrong-" + SECRET));

        assertEquals(403, response.statusCode(), response.body());
        assertProblem(response, 403);
        Map<String, Object> row = onlyAuditRowAfter(db, before);
        assertRefusal(row, 403, "service_token_wrong_secret");
        assertEquals("service_token", row.get("principal_kind"));
        assertEquals(CLIENT_ID, row.get("principal_id"));
    }

    @Test
    void anUnknownClientIs403(WebhookClient http, Db db) {
        long before = lastAuditId(db);
        HttpResponse<String> response = http.get(ADMIN_CALL, serviceToken("stranger.access", SECRET));

        assertEquals(403, response.statusCode(), response.body());
        assertProblem(response, 403);
        assertRefusal(onlyAuditRowAfter(db, before), 403, "service_token_unknown_client");
    }

    @Test
    void aValidServiceTokenPassesTheGateAndIsAuditedWithTheFinalStatus(WebhookClient http, Db db) {
        long before = lastAuditId(db);
        HttpResponse<String> response = http.get(ADMIN_CALL, serviceToken(CLIENT_ID, SECRET));

        assertEquals(200, response.statusCode(), response.body());
        Map<String, Object> row = onlyAuditRowAfter(db, before);
        assertEquals("allowed", row.get("outcome"));
        assertEquals("service_token", row.get("principal_kind"));
        assertEquals(CLIENT_ID, row.get("principal_id"));
        assertEquals("GET", row.get("method"));
        assertEquals(ADMIN_PATH, row.get("path"));
        assertEquals(200, row.get("status"));
        assertEquals(null, row.get("reason"));
    }

    @Test
    void anAllowedCallIsAuditedWithTheStatusItEndedWithEvenWhenNothingAnswersIt(WebhookClient http, Db db) {
        long before = lastAuditId(db);
        HttpResponse<String> response = http.get("/admin/no-such-thing", serviceToken(CLIENT_ID, SECRET));

        assertEquals(404, response.statusCode(), response.body());
        Map<String, Object> row = onlyAuditRowAfter(db, before);
        assertEquals("allowed", row.get("outcome"));
        assertEquals(404, row.get("status"));
        assertEquals("/admin/no-such-thing", row.get("path"));
    }

    @Test
    void theIdInTheRequestIsAuditedAsTheTarget(WebhookClient http, Db db) {
        long before = lastAuditId(db);
        String invoiceId = Fixtures.stripeId("in_", 24);
        HttpResponse<String> unknown = http.get("/admin/invoices/" + invoiceId, serviceToken(CLIENT_ID, SECRET));
        assertEquals(404, unknown.statusCode(), "allowed in, and the invoice is unknown: " + unknown.body());
        assertEquals(invoiceId, onlyAuditRowAfter(db, before).get("target"));

        long beforeBody = lastAuditId(db);
        Map<String, String> headers = new LinkedHashMap<>(serviceToken(CLIENT_ID, "wrong"));
        headers.put("Content-Type", "application/json");
        HttpResponse<String> wrongSecret = http.postRaw("/admin/render-pdf",
                ("{\"invoice_id\":\"" + invoiceId + "\"}").getBytes(StandardCharsets.UTF_8), headers);
        assertEquals(403, wrongSecret.statusCode(), wrongSecret.body());
        Map<String, Object> refused = onlyAuditRowAfter(db, beforeBody);
        assertEquals(null, refused.get("target"), "an unauthenticated body is not read");
        assertEquals("/admin/render-pdf", refused.get("path"));
    }

    @Test
    void aRotatedServiceTokenAppliesToTheNextRequestWithoutRestart(WebhookClient http) {
        String rotated = "it-rotated-" + UUID.randomUUID();
        assertEquals(200, http.get(ADMIN_CALL, serviceToken(CLIENT_ID, SECRET)).statusCode());
        try {
            BillingServer.writeSecret("ADMIN_SERVICE_TOKENS", tokenEntry(CLIENT_ID, rotated));
            assertEquals(403, http.get(ADMIN_CALL, serviceToken(CLIENT_ID, SECRET)).statusCode());
            assertEquals(200, http.get(ADMIN_CALL, serviceToken(CLIENT_ID, rotated)).statusCode());

            // During a rotation both may be configured: the old and the new secret both open.
            BillingServer.writeSecret("ADMIN_SERVICE_TOKENS", tokenEntry(CLIENT_ID, SECRET) + "," + tokenEntry(CLIENT_ID, rotated));
            assertEquals(200, http.get(ADMIN_CALL, serviceToken(CLIENT_ID, SECRET)).statusCode());
            assertEquals(200, http.get(ADMIN_CALL, serviceToken(CLIENT_ID, rotated)).statusCode());
        } finally {
            BillingServer.writeSecret("ADMIN_SERVICE_TOKENS", tokenEntry(CLIENT_ID, SECRET));
        }
    }

    // --- Cloudflare Access JWTs ---

    @Test
    void aValidAccessJwtIsAllowedAndAuditedWithItsEmail(WebhookClient http, Db db) {
        long before = lastAuditId(db);
        HttpResponse<String> response = http.get(ADMIN_CALL, jwt(sign(SIGNING_KEY, claims -> { })));

        assertEquals(200, response.statusCode(), response.body());
        Map<String, Object> row = onlyAuditRowAfter(db, before);
        assertEquals("allowed", row.get("outcome"));
        assertEquals(200, row.get("status"));
        assertEquals("access_jwt", row.get("principal_kind"));
        assertEquals("operator@adventive.com", row.get("principal_id"));
    }

    @Test
    void everyKindOfBadAccessJwtIs403WithItsReason(WebhookClient http, Db db) throws JOSEException {
        Map<String, String> badTokens = new LinkedHashMap<>();
        badTokens.put("access_jwt_expired", sign(SIGNING_KEY, c -> c.expirationTime(Date.from(Instant.now().minusSeconds(600)))));
        badTokens.put("access_jwt_not_yet_valid", sign(SIGNING_KEY, c -> c.notBeforeTime(Date.from(Instant.now().plusSeconds(600)))));
        badTokens.put("access_jwt_wrong_audience", sign(SIGNING_KEY, c -> c.audience("some-other-application")));
        badTokens.put("access_jwt_wrong_issuer", sign(SIGNING_KEY, c -> c.issuer("https://evil.cloudflareaccess.com")));
        badTokens.put("access_jwt_bad_signature", sign(rsaKey(SIGNING_KEY.getKeyID()), c -> { }));
        badTokens.put("access_jwt_unsigned", new PlainJWT(claims().build()).serialize());
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(SIGNING_KEY.getKeyID()).build(),
                claims().build());
        hmac.sign(new MACSigner(new byte[32]));
        badTokens.put("access_jwt_algorithm_refused", hmac.serialize());
        badTokens.put("access_jwt_malformed", "not.a.jwt");

        for (Map.Entry<String, String> bad : badTokens.entrySet()) {
            long before = lastAuditId(db);
            HttpResponse<String> response = http.get(ADMIN_CALL, jwt(bad.getValue()));
            assertEquals(403, response.statusCode(), bad.getKey() + ": " + response.body());
            assertProblem(response, 403);
            assertRefusal(onlyAuditRowAfter(db, before), 403, bad.getKey());
        }
    }

    @Test
    void aNewSigningKeyIsFetchedWhenATokenNamesAnUnknownKeyId(WebhookClient http, StripeApiStub stripe) {
        // A certs URL of its own: a fresh key cache, and proof that CF_ACCESS_CERTS_URL applies at runtime.
        String rotationPath = "/cdn-cgi/access/certs-rotation-" + UUID.randomUUID();
        publish(rotationPath, SIGNING_KEY);
        BillingServer.writeSecret("CF_ACCESS_CERTS_URL", certsUrl(rotationPath));
        try {
            assertEquals(200, http.get(ADMIN_CALL, jwt(sign(SIGNING_KEY, c -> { }))).statusCode());
            assertEquals(1, stripe.requestsTo(rotationPath));

            RSAKey next = rsaKey("it-key-2");
            publish(rotationPath, SIGNING_KEY, next);
            HttpResponse<String> response = http.get(ADMIN_CALL, jwt(sign(next, c -> { })));
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(2, stripe.requestsTo(rotationPath), "fetched once more for the unknown key id");

            assertEquals(200, http.get(ADMIN_CALL, jwt(sign(next, c -> { }))).statusCode());
            assertEquals(200, http.get(ADMIN_CALL, jwt(sign(SIGNING_KEY, c -> { }))).statusCode());
            assertEquals(2, stripe.requestsTo(rotationPath), "known keys come from the cache");
        } finally {
            BillingServer.writeSecret("CF_ACCESS_CERTS_URL", certsUrl(CERTS_PATH));
        }
    }

    // --- What stays open, and what never leaks ---

    @Test
    void theWebhookAndHealthNeedNoCredentialsAndAreNotAudited(WebhookClient http, Db db) {
        long before = lastAuditId(db);
        HttpResponse<String> webhook = http.post("{}".getBytes(StandardCharsets.UTF_8), "t=1,v1=deadbeef");
        assertEquals(400, webhook.statusCode(), "reaches the webhook's own signature check: " + webhook.body());
        assertTrue(webhook.body().contains("signature_invalid"), webhook.body());
        assertEquals(200, http.get("/health").statusCode());
        assertEquals(200, http.get("/health/ready").statusCode());
        assertEquals(0, db.count("SELECT COUNT(*) FROM admin_audit WHERE id > ?", before));
    }

    @Test
    void secretsAndTokensAppearNeitherInTheAuditNorInTheServerLog(WebhookClient http, Db db) {
        long before = lastAuditId(db);
        String validJwt = sign(SIGNING_KEY, c -> { });
        String expiredJwt = sign(SIGNING_KEY, c -> c.expirationTime(Date.from(Instant.now().minusSeconds(600))));
        String wrongSecret = "wrong-" + UUID.randomUUID();
        List<Integer> statuses = List.of(
                http.get(ADMIN_CALL, serviceToken(CLIENT_ID, SECRET)).statusCode(),
                http.get(ADMIN_CALL, serviceToken(CLIENT_ID, wrongSecret)).statusCode(),
                http.get(ADMIN_CALL, serviceToken("stranger.access", SECRET)).statusCode(),
                http.get(ADMIN_CALL, jwt(validJwt)).statusCode(),
                http.get(ADMIN_CALL, jwt(expiredJwt)).statusCode());
        assertEquals(List.of(200, 403, 403, 200, 403), statuses);

        List<Map<String, Object>> rows = db.rows("SELECT * FROM admin_audit WHERE id > ? ORDER BY id", before);
        assertEquals(5, rows.size(), rows.toString());
        assertEquals(List.of("allowed", "refused", "refused", "allowed", "refused"),
                rows.stream().map(r -> r.get("outcome")).toList());
        String audit = rows.toString();
        String log = BillingServer.messagesLogTail(5_000);
        assertTrue(log.contains("\"event\":\"admin_call\""), "each call has a structured log line");
        for (String secret : List.of(SECRET, wrongSecret, validJwt, expiredJwt, signatureOf(validJwt))) {
            assertFalse(audit.contains(secret), "audit rows hold a secret: " + audit);
            assertFalse(log.contains(secret), "messages.log holds a secret or token");
        }
    }

    // --- Helpers ---

    private static Map<String, String> serviceToken(String clientId, String secret) {
        return Map.of("CF-Access-Client-Id", clientId, "CF-Access-Client-Secret", secret);
    }

    private static Map<String, String> jwt(String token) {
        return Map.of("Cf-Access-Jwt-Assertion", token);
    }

    private static String tokenEntry(String clientId, String secret) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return clientId + ":" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String certsUrl(String path) {
        return TestComponents.stripe().baseUrl() + path;
    }

    /** Serves the public halves as Cloudflare does; ahead of the stand-in's "no Authorization → 401" rule. */
    private static void publish(String path, JWK... keys) {
        List<JWK> publicKeys = new ArrayList<>();
        for (JWK key : keys) {
            publicKeys.add(key.toPublicJWK());
        }
        stubs.add(TestComponents.stripe().wireMock().stubFor(get(urlPathEqualTo(path)).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(new JWKSet(publicKeys).toString(true)))));
    }

    private static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(List.of(AUDIENCE))
                .subject("7d3f0a52-operator")
                .claim("email", "operator@adventive.com")
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
    }

    private static String sign(RSAKey key, Consumer<JWTClaimsSet.Builder> adjust) {
        JWTClaimsSet.Builder claims = claims();
        adjust.accept(claims);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims.build());
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static String signatureOf(String jwt) {
        return jwt.substring(jwt.lastIndexOf('.') + 1);
    }

    private static RSAKey rsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long lastAuditId(Db db) {
        return db.count("SELECT COALESCE(MAX(id), 0) FROM admin_audit");
    }

    /** The audit row of the one call made since {@code afterId}; written before the answer was sent. */
    private static Map<String, Object> onlyAuditRowAfter(Db db, long afterId) {
        List<Map<String, Object>> rows = db.rows("SELECT * FROM admin_audit WHERE id > ? ORDER BY id", afterId);
        assertEquals(1, rows.size(), "one audit row per call: " + rows);
        return rows.get(0);
    }

    private static void assertRefusal(Map<String, Object> row, int status, String reason) {
        assertEquals("refused", row.get("outcome"), row.toString());
        assertEquals(status, row.get("status"), row.toString());
        assertEquals(reason, row.get("reason"), row.toString());
        assertEquals("GET", row.get("method"), row.toString());
        assertEquals(ADMIN_PATH, row.get("path"), row.toString());
        assertTrue(row.get("occurred_at") != null, row.toString());
    }

    private static void assertProblem(HttpResponse<String> response, int status) {
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                response.headers().map().toString());
        JsonObject problem = Fixtures.parse(response.body());
        assertEquals(status, problem.getInt("status"));
        assertEquals("about:blank", problem.getString("type"));
        assertFalse(problem.getString("title").isBlank());
        assertFalse(problem.getString("detail").isBlank());
    }
}
