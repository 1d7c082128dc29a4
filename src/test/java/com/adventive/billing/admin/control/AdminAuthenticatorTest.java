package com.adventive.billing.admin.control;

import com.adventive.billing.admin.control.AdminAuthenticator.Credentials;
import com.adventive.billing.admin.control.AdminAuthenticator.Decision;
import com.adventive.billing.admin.entity.AdminPrincipal;
import com.adventive.billing.platform.control.Settings;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.adventive.billing.admin.control.AccessJwtVerifierTest.AUDIENCE;
import static com.adventive.billing.admin.control.AccessJwtVerifierTest.ISSUER;
import static com.adventive.billing.admin.control.ServiceTokenVerifierTest.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminAuthenticatorTest {

    private static final String CLIENT = "ops-cli.access";
    private static final String SECRET = "first-secret-value";

    private final Map<String, String> config = new HashMap<>();
    private final AccessJwtVerifierTest.Team team = new AccessJwtVerifierTest.Team();
    private final AdminAuthenticator authenticator = new AdminAuthenticator();

    AdminAuthenticatorTest() {
        authenticator.settings = new Settings() {
            @Override
            public Optional<String> optional(String name) {
                return Optional.ofNullable(config.get(name)).map(String::trim).filter(v -> !v.isEmpty());
            }
        };
        authenticator.serviceTokens = new ServiceTokenVerifier();
        authenticator.accessJwts = new AccessJwtVerifier(team);
    }

    private void configureServiceTokens(String... entries) {
        config.put(AdminAuthenticator.ADMIN_SERVICE_TOKENS, String.join(",", entries));
    }

    private void configureAccess() {
        config.put(AdminAuthenticator.CF_ACCESS_TEAM_DOMAIN, "adventive.cloudflareaccess.com");
        config.put(AdminAuthenticator.CF_ACCESS_AUD, AUDIENCE);
    }

    private Decision withServiceToken(String clientId, String secret) {
        return authenticator.authenticate(new Credentials(clientId, secret, null));
    }

    private Decision withJwt(String jwt) {
        return authenticator.authenticate(new Credentials(null, null, jwt));
    }

    @Test
    void noCredentialsAskForAuthentication() {
        configureServiceTokens(entry(CLIENT, SECRET));
        assertRefused(authenticator.authenticate(new Credentials(null, null, null)), 401, "credentials_missing");
        assertRefused(authenticator.authenticate(new Credentials(" ", "", "  ")), 401, "credentials_missing");
    }

    @Test
    void halfAServiceTokenAsksForTheOtherHalf() {
        configureServiceTokens(entry(CLIENT, SECRET));
        Decision.Refused noSecret = assertRefused(withServiceToken(CLIENT, null), 401, "service_token_incomplete");
        assertTrue(noSecret.detail().contains("CF-Access-Client-Secret"), noSecret.detail());
        assertRefused(withServiceToken(null, SECRET), 401, "service_token_incomplete");
    }

    @Test
    void aConfiguredServiceTokenIsAllowed() {
        configureServiceTokens(entry(CLIENT, SECRET));
        assertEquals(new Decision.Allowed(AdminPrincipal.serviceToken(CLIENT)), withServiceToken(CLIENT, SECRET));
        assertRefused(withServiceToken(CLIENT, "guess"), 403, "service_token_wrong_secret");
        assertRefused(withServiceToken("stranger.access", SECRET), 403, "service_token_unknown_client");
    }

    @Test
    void aRotatedServiceTokenAppliesToTheNextCall() {
        configureServiceTokens(entry(CLIENT, SECRET));
        assertInstanceOf(Decision.Allowed.class, withServiceToken(CLIENT, SECRET));
        configureServiceTokens(entry(CLIENT, "second-secret-value"));
        assertRefused(withServiceToken(CLIENT, SECRET), 403, "service_token_wrong_secret");
        assertInstanceOf(Decision.Allowed.class, withServiceToken(CLIENT, "second-secret-value"));
    }

    @Test
    void credentialsForAnUnconfiguredMechanismAreRefusedWithTheReason() {
        Decision.Refused refused = assertRefused(withServiceToken(CLIENT, SECRET), 403, "admin_auth_not_configured");
        assertTrue(refused.detail().contains(AdminAuthenticator.ADMIN_SERVICE_TOKENS), refused.detail());
        assertRefused(withJwt(team.userToken("alice@adventive.com")), 403, "admin_auth_not_configured");
    }

    @Test
    void aValidJwtIsAllowedAndTheTeamDomainMayOmitTheScheme() {
        configureAccess();
        AdminPrincipal principal = assertInstanceOf(Decision.Allowed.class,
                withJwt(team.userToken("alice@adventive.com"))).principal();
        assertEquals("alice@adventive.com", principal.getName());
        assertEquals(List.of(ISSUER + AdminAuthenticator.CERTS_PATH), team.fetches,
                "without CF_ACCESS_CERTS_URL the keys come from the team domain");
    }

    @Test
    void theCertsUrlSettingWinsOverTheTeamDefault() {
        configureAccess();
        config.put(AdminAuthenticator.CF_ACCESS_CERTS_URL, "http://127.0.0.1:8089/cdn-cgi/access/certs");
        assertInstanceOf(Decision.Allowed.class, withJwt(team.userToken("alice@adventive.com")));
        assertEquals(List.of("http://127.0.0.1:8089/cdn-cgi/access/certs"), team.fetches);
    }

    @Test
    void halfConfiguredAccessRefusesAndSaysWhatIsMissing() {
        config.put(AdminAuthenticator.CF_ACCESS_TEAM_DOMAIN, ISSUER);
        Decision.Refused refused = assertRefused(withJwt(team.userToken("alice@adventive.com")), 403, "access_not_configured");
        assertTrue(refused.detail().contains(AdminAuthenticator.CF_ACCESS_AUD), refused.detail());

        configureAccess();
        config.put(AdminAuthenticator.CF_ACCESS_CERTS_URL, "ftp://keys.example.net/certs");
        assertRefused(withJwt(team.userToken("alice@adventive.com")), 403, "access_not_configured");
    }

    @Test
    void aValidServiceTokenIsEnoughWhenAccessIsNotConfiguredButCloudflareAddedAJwt() {
        configureServiceTokens(entry(CLIENT, SECRET));
        Decision decision = authenticator.authenticate(new Credentials(CLIENT, SECRET, "eyJ.whatever.cloudflare-added"));
        assertEquals(new Decision.Allowed(AdminPrincipal.serviceToken(CLIENT)), decision);
    }

    @Test
    void everyPresentedCredentialMustVerifyWhereItsMechanismIsConfigured() {
        configureServiceTokens(entry(CLIENT, SECRET));
        configureAccess();
        String goodJwt = team.userToken("alice@adventive.com");
        assertRefused(authenticator.authenticate(new Credentials(CLIENT, "guess", goodJwt)), 403, "service_token_wrong_secret");
        assertRefused(authenticator.authenticate(new Credentials(CLIENT, SECRET, "garbage")), 403, "access_jwt_malformed");
        assertEquals(new Decision.Allowed(AdminPrincipal.serviceToken(CLIENT)),
                authenticator.authenticate(new Credentials(CLIENT, SECRET, goodJwt)));
    }

    @Test
    void issuerAndCertsUrlAreNormalised() {
        assertEquals(ISSUER, AdminAuthenticator.issuerOf("adventive.cloudflareaccess.com/"));
        assertEquals(ISSUER, AdminAuthenticator.issuerOf(" " + ISSUER + " "));
        assertEquals("http://127.0.0.1:9", AdminAuthenticator.issuerOf("http://127.0.0.1:9"));
        assertTrue(AdminAuthenticator.certsUrl("https://x.example/certs").isPresent());
        assertTrue(AdminAuthenticator.certsUrl("not a url").isEmpty());
        assertTrue(AdminAuthenticator.certsUrl("file:///etc/passwd").isEmpty());
    }

    @Test
    void credentialsNeverShowTheirSecretsWhenPrinted() {
        String printed = new Credentials(CLIENT, SECRET, "eyJhbGciOi.payload.signature").toString();
        assertTrue(printed.contains(CLIENT), printed);
        assertFalse(printed.contains(SECRET), printed);
        assertFalse(printed.contains("eyJhbGciOi"), printed);
    }

    private static Decision.Refused assertRefused(Decision decision, int status, String reason) {
        Decision.Refused refused = assertInstanceOf(Decision.Refused.class, decision);
        assertEquals(reason, refused.reason(), refused.detail());
        assertEquals(status, refused.status(), refused.detail());
        return refused;
    }
}
