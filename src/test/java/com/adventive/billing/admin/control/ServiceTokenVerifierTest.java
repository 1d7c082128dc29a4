package com.adventive.billing.admin.control;

import com.adventive.billing.admin.control.AdminAuthenticator.Decision;
import com.adventive.billing.admin.entity.AdminPrincipal;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServiceTokenVerifierTest {

    private static final String CLIENT = "0123456789abcdef.access";
    private static final String SECRET = "s3cr3t-service-token-value";

    private final ServiceTokenVerifier verifier = new ServiceTokenVerifier();

    static String entry(String clientId, String secret) {
        return clientId + ":" + HexFormat.of().formatHex(ServiceTokenVerifier.sha256(secret));
    }

    @Test
    void theConfiguredSecretIsAcceptedAsThatClient() {
        Decision decision = verifier.verify(List.of(entry(CLIENT, SECRET)), CLIENT, SECRET);
        assertEquals(new Decision.Allowed(AdminPrincipal.serviceToken(CLIENT)), decision);
    }

    @Test
    void aWrongSecretIsRefused() {
        Decision decision = verifier.verify(List.of(entry(CLIENT, SECRET)), CLIENT, SECRET + "x");
        assertRefused(decision, "service_token_wrong_secret");
    }

    @Test
    void anUnknownClientIsRefusedEvenWithAConfiguredSecret() {
        Decision decision = verifier.verify(List.of(entry(CLIENT, SECRET)), "someone-else.access", SECRET);
        assertRefused(decision, "service_token_unknown_client");
    }

    @Test
    void theSecretOfOneClientDoesNotOpenAnother() {
        List<String> entries = List.of(entry(CLIENT, SECRET), entry("other.access", "other-secret"));
        assertRefused(verifier.verify(entries, CLIENT, "other-secret"), "service_token_wrong_secret");
        assertInstanceOf(Decision.Allowed.class, verifier.verify(entries, "other.access", "other-secret"));
    }

    @Test
    void oneClientMayHaveTwoSecretsWhileItsSecretIsRotated() {
        List<String> entries = List.of(entry(CLIENT, "old-secret"), entry(CLIENT, "new-secret"));
        assertInstanceOf(Decision.Allowed.class, verifier.verify(entries, CLIENT, "old-secret"));
        assertInstanceOf(Decision.Allowed.class, verifier.verify(entries, CLIENT, "new-secret"));
        assertRefused(verifier.verify(entries, CLIENT, "older-secret"), "service_token_wrong_secret");
    }

    @Test
    void upperCaseHexAndSurroundingSpacesAreAccepted() {
        String hex = HexFormat.of().withUpperCase().formatHex(ServiceTokenVerifier.sha256(SECRET));
        Decision decision = verifier.verify(List.of("  " + CLIENT + " : " + hex + " "), CLIENT, SECRET);
        assertInstanceOf(Decision.Allowed.class, decision);
    }

    @Test
    void malformedEntriesAreIgnoredAndTheValidOnesStillWork() {
        List<String> entries = List.of(
                "a-pasted-raw-secret-without-client-id",
                ":" + "ab".repeat(32),
                "short.access:abcdef",
                "raw.access:" + SECRET,
                entry(CLIENT, SECRET));
        var parsed = ServiceTokenVerifier.parse(entries);
        assertEquals(List.of(CLIENT), List.copyOf(parsed.hashesByClientId().keySet()));
        assertEquals(4, parsed.malformed().size(), parsed.malformed().toString());
        String report = String.join(" ", parsed.malformed());
        assertFalse(report.contains("a-pasted-raw-secret"), report);
        assertFalse(report.contains(SECRET), report);
        assertFalse(report.contains("abcdef"), report);
        assertTrue(report.contains("short.access"), "names the client id so the operator can find the entry: " + report);

        assertInstanceOf(Decision.Allowed.class, verifier.verify(entries, CLIENT, SECRET));
        assertRefused(verifier.verify(entries, "raw.access", SECRET), "service_token_unknown_client");
    }

    @Test
    void aClientIdMayContainColonsBecauseTheHashFollowsTheLastOne() {
        String clientId = "urn:client:7";
        assertInstanceOf(Decision.Allowed.class, verifier.verify(List.of(entry(clientId, SECRET)), clientId, SECRET));
    }

    @Test
    void refusalsNeverRepeatTheSecret() {
        Decision decision = verifier.verify(List.of(entry(CLIENT, SECRET)), CLIENT, "presented-" + SECRET);
        Decision.Refused refused = assertInstanceOf(Decision.Refused.class, decision);
        assertFalse(refused.toString().contains(SECRET), refused.toString());
    }

    static void assertRefused(Decision decision, String reason) {
        Decision.Refused refused = assertInstanceOf(Decision.Refused.class, decision);
        assertEquals(403, refused.status());
        assertEquals(reason, refused.reason());
    }
}
