package com.adventive.billing.webhook.control;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Malformed Stripe-Signature headers: stripe-java throws NumberFormatException or
 * ArrayIndexOutOfBoundsException for several of them (which surfaced as 500s); the verifier must
 * refuse every one with a SignatureVerificationException, and the shape check must name them
 * without looking at the body.
 */
class SignatureVerifierHostileTest {

    private static final String SECRET = "whsec_unit";
    private static final String PAYLOAD = "{\"id\":\"evt_1\"}";

    static Stream<String> malformedHeaders() {
        long now = Instant.now().getEpochSecond();
        return Stream.of(
                "t",
                "t=abc",
                "t=1,v1",
                "t=,v1=",
                "t=" + now + ",v1",
                "t=99999999999999999999,v1=00",            // overflows a long
                "t=-9223372036854775808,v1=00",
                "t=1e3,v1=00",
                "t=0x10,v1=00",
                "t==1,v1==",
                "t=1 ,v1=00",
                " t=1,v1=00",
                "t=" + now,                                 // no signature at all
                "v1=abcd",                                  // no timestamp
                "t=1,t=2,v1=00",                            // two timestamps
                "t=1,v1=zz",                                // not hex
                "t=1,v1=00,",                               // trailing comma
                ",",
                "=",
                "garbage",
                "t=1,v1=" + "a".repeat(4096),               // a 4 KB value
                "x".repeat(4096),
                "t=" + "9".repeat(4096) + ",v1=00");
    }

    @ParameterizedTest
    @MethodSource("malformedHeaders")
    void aMalformedHeaderIsJudgedFromTheHeaderAlone(String header) {
        assertEquals(SignatureHeader.Shape.MALFORMED, SignatureHeader.shapeOf(header), header);
    }

    @ParameterizedTest
    @MethodSource("malformedHeaders")
    void aMalformedHeaderIsASignatureFailureNeverAnotherException(String header) {
        assertThrows(SignatureVerificationException.class,
                () -> SignatureVerifier.verify(PAYLOAD, header, List.of(SECRET)));
    }

    @Test
    void aMissingHeaderIsMissing() {
        assertEquals(SignatureHeader.Shape.MISSING, SignatureHeader.shapeOf(null));
        assertEquals(SignatureHeader.Shape.MISSING, SignatureHeader.shapeOf(""));
        assertThrows(SignatureVerificationException.class, () -> SignatureVerifier.verify(PAYLOAD, null, List.of(SECRET)));
    }

    @Test
    void headersStripeSendsAreWellFormedAndVerify() throws GeneralSecurityException {
        long now = Instant.now().getEpochSecond();
        String v1 = Webhook.Util.computeHmacSha256(SECRET, now + "." + PAYLOAD);
        String other = Webhook.Util.computeHmacSha256("whsec_other", now + "." + PAYLOAD);
        for (String header : List.of("t=" + now + ",v1=" + v1,
                "t=" + now + ",v1=" + other + ",v1=" + v1,
                "t=" + now + ",v1=" + v1 + ",v0=" + other)) {
            assertEquals(SignatureHeader.Shape.WELL_FORMED, SignatureHeader.shapeOf(header), header);
            assertDoesNotThrow(() -> SignatureVerifier.verify(PAYLOAD, header, List.of("whsec_rotated_out", SECRET)));
        }
    }

    @Test
    void wellFormedButWrongStaleOrFarFutureHeadersAreSignatureFailures() throws GeneralSecurityException {
        long now = Instant.now().getEpochSecond();
        String stale = "t=" + (now - 600) + ",v1=" + Webhook.Util.computeHmacSha256(SECRET, (now - 600) + "." + PAYLOAD);
        for (String header : List.of("t=" + now + ",v1=" + "0".repeat(64), stale, "t=999999999999,v1=00", "t=1,v1=00")) {
            assertEquals(SignatureHeader.Shape.WELL_FORMED, SignatureHeader.shapeOf(header), header);
            assertThrows(SignatureVerificationException.class,
                    () -> SignatureVerifier.verify(PAYLOAD, header, List.of(SECRET)), header);
        }
    }
}
