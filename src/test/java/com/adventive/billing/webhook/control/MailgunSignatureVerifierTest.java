package com.adventive.billing.webhook.control;

import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.webhook.entity.MailgunSignature;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Mailgun's signature: HMAC-SHA256 of timestamp + token under the signing key, hex, and not stale. */
class MailgunSignatureVerifierTest {

    private static final String KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0";
    private static final Duration TOLERANCE = Duration.ofHours(8);
    private static final Instant NOW = Instant.ofEpochSecond(1_770_920_772L);
    private static final String TOKEN = "e0b5477167110d68991efc6b9f89f0a11066af27834600e123";

    @Test
    void matchesAnHmacComputedIndependentlyOfTheVerifier() throws Exception {
        // The documented construction, spelled out with the JDK's Mac directly (not the verifier's helper).
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(KEY.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal(("1770920772" + TOKEN)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertTrue(MailgunSignatureVerifier.signedWith(KEY, new MailgunSignature("1770920772", TOKEN, expected)));
        assertTrue(MailgunSignatureVerifier.signedWith(KEY, new MailgunSignature("1770920772", TOKEN,
                expected.toUpperCase())), "hex in either case");
    }

    @Test
    void aValidFreshSignaturePasses() {
        assertDoesNotThrow(() -> MailgunSignatureVerifier.verify(List.of(KEY), TOLERANCE, signed(KEY, NOW, TOKEN), NOW));
    }

    @Test
    void aWrongKeyIsRefusedAsInvalid() {
        BillingProblem refused = assertThrows(BillingProblem.class, () -> MailgunSignatureVerifier.verify(
                List.of(KEY), TOLERANCE, signed("key-someone-else", NOW, TOKEN), NOW));
        assertEquals(400, refused.status());
        assertEquals("signature_invalid", refused.code());
    }

    @Test
    void duringRotationEitherKeyVerifies() {
        MailgunSignature byOld = signed("key-old", NOW, TOKEN);
        assertDoesNotThrow(() -> MailgunSignatureVerifier.verify(List.of(KEY, "key-old"), TOLERANCE, byOld, NOW));
    }

    @Test
    void changingTheTokenOrTimestampBreaksTheSignature() {
        MailgunSignature good = signed(KEY, NOW, TOKEN);
        assertFalse(MailgunSignatureVerifier.signedWith(KEY,
                new MailgunSignature(good.timestamp(), TOKEN + "x", good.signature())));
        assertFalse(MailgunSignatureVerifier.signedWith(KEY,
                new MailgunSignature(Long.toString(NOW.getEpochSecond() + 1), TOKEN, good.signature())));
    }

    @Test
    void aSignatureOfTheWrongLengthOrNotHexNeverMatches() {
        MailgunSignature good = signed(KEY, NOW, TOKEN);
        assertFalse(MailgunSignatureVerifier.signedWith(KEY,
                new MailgunSignature(good.timestamp(), TOKEN, good.signature().substring(0, 62))));
        assertFalse(MailgunSignatureVerifier.signedWith(KEY,
                new MailgunSignature(good.timestamp(), TOKEN, "zz" + good.signature().substring(2))));
    }

    @Test
    void aTimestampOlderThanTheToleranceIsStale() {
        Instant signedAt = NOW.minus(TOLERANCE).minusSeconds(1);
        BillingProblem refused = assertThrows(BillingProblem.class, () -> MailgunSignatureVerifier.verify(
                List.of(KEY), TOLERANCE, signed(KEY, signedAt, TOKEN), NOW));
        assertEquals(406, refused.status(), "Mailgun must not retry it: a retry is only older");
        assertEquals("signature_stale", refused.code());
        assertDoesNotThrow(() -> MailgunSignatureVerifier.verify(List.of(KEY), TOLERANCE,
                signed(KEY, NOW.minus(TOLERANCE), TOKEN), NOW), "exactly at the tolerance still passes");
    }

    @Test
    void aTimestampFarInTheFutureIsRefusedButSmallSkewIsNot() {
        assertDoesNotThrow(() -> MailgunSignatureVerifier.verify(List.of(KEY), TOLERANCE,
                signed(KEY, NOW.plusSeconds(60), TOKEN), NOW));
        BillingProblem refused = assertThrows(BillingProblem.class, () -> MailgunSignatureVerifier.verify(
                List.of(KEY), TOLERANCE, signed(KEY, NOW.plus(Duration.ofMinutes(10)), TOKEN), NOW));
        assertEquals("signature_stale", refused.code());
    }

    @Test
    void aWrongKeyIsReportedAsInvalidEvenWhenAlsoStale() {
        BillingProblem refused = assertThrows(BillingProblem.class, () -> MailgunSignatureVerifier.verify(
                List.of(KEY), TOLERANCE, signed("key-other", NOW.minus(Duration.ofDays(2)), TOKEN), NOW));
        assertEquals("signature_invalid", refused.code(), "an unsigned request learns nothing about our clock");
    }

    static MailgunSignature signed(String key, Instant at, String token) {
        String timestamp = Long.toString(at.getEpochSecond());
        return new MailgunSignature(timestamp, token,
                HexFormat.of().formatHex(MailgunSignatureVerifier.hmac(key, timestamp + token)));
    }
}
