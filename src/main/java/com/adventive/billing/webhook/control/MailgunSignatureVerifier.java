package com.adventive.billing.webhook.control;

import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.platform.control.Settings;
import com.adventive.billing.webhook.entity.MailgunSignature;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks a Mailgun webhook's signature as Mailgun's documentation says: HMAC-SHA256 under the
 * webhook signing key over {@code timestamp + token}, hex, compared in constant time; then that the
 * timestamp is neither older than {@code MAILGUN_WEBHOOK_TOLERANCE_SECONDS} nor ahead of our clock by
 * more than {@link #CLOCK_SKEW}. Every configured key is tried (rotation). Whether the token was used
 * before is {@link MailgunIntake}'s question, answered in the same transaction as the event's effects.
 */
@ApplicationScoped
public class MailgunSignatureVerifier {

    static final String HMAC = "HmacSHA256";
    /** A signature from slightly in the future is our clock or theirs being off, not an attack. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    private static final int SIGNATURE_BYTES = 32;

    @Inject
    Settings settings;

    public boolean isConfigured() {
        return !settings.mailgunWebhookSigningKeys().isEmpty();
    }

    /** Throws a problem (400 signature_invalid, 406 signature_stale) unless the signature holds now. */
    public void verify(MailgunSignature signature) {
        verify(settings.mailgunWebhookSigningKeys(), settings.mailgunWebhookTolerance(), signature, Instant.now());
    }

    static void verify(List<String> keys, Duration tolerance, MailgunSignature signature, Instant now) {
        if (keys.stream().noneMatch(key -> signedWith(key, signature))) {
            throw new BillingProblem(400, "signature_invalid",
                    "the Mailgun signature matches no configured MAILGUN_WEBHOOK_SIGNING_KEY");
        }
        long age = now.getEpochSecond() - signature.epochSecond();
        if (age > tolerance.toSeconds()) {
            // 406: Mailgun does not retry it, and a retry could only be older.
            throw new BillingProblem(406, "signature_stale", "the Mailgun signature's timestamp is " + age
                    + " s old; at most " + tolerance.toSeconds() + " s is accepted");
        }
        if (-age > CLOCK_SKEW.toSeconds()) {
            throw new BillingProblem(406, "signature_stale", "the Mailgun signature's timestamp is " + (-age)
                    + " s ahead of this server's clock");
        }
    }

    /** Whether the signature is the HMAC of timestamp + token under this key (constant-time comparison). */
    static boolean signedWith(String key, MailgunSignature signature) {
        byte[] presented;
        try {
            presented = HexFormat.of().parseHex(signature.signature());
        } catch (IllegalArgumentException notHex) {
            return false;
        }
        if (presented.length != SIGNATURE_BYTES) {
            return false;
        }
        return MessageDigest.isEqual(hmac(key, signature.timestamp() + signature.token()), presented);
    }

    /** HMAC-SHA256 of the text under the key, both as UTF-8 (what Mailgun's examples do). */
    static byte[] hmac(String key, String text) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), HMAC));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
