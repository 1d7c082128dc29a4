package com.adventive.billing.it.support;

import com.stripe.net.Webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;

/**
 * Builds the {@code Stripe-Signature} header exactly as Stripe does:
 * {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">}, keyed with the whole secret
 * string ({@code whsec_…} included). The HMAC is stripe-java's own, so what we sign is by
 * construction what the worker's stripe-java verifies.
 */
public final class StripeSigner {

    private final String secret;

    public StripeSigner(String secret) {
        this.secret = secret;
    }

    public String secret() {
        return secret;
    }

    /** Signed now. */
    public String header(byte[] body) {
        return header(body, Instant.now().getEpochSecond());
    }

    public String header(String body) {
        return header(body.getBytes(StandardCharsets.UTF_8));
    }

    /** Signed at the given time: older than 300 s is what stripe-java rejects as stale. */
    public String header(byte[] body, long timestampSeconds) {
        return "t=" + timestampSeconds + ",v1=" + v1(body, timestampSeconds);
    }

    public String header(String body, long timestampSeconds) {
        return header(body.getBytes(StandardCharsets.UTF_8), timestampSeconds);
    }

    /** The v1 value alone, for headers with several signatures (as Stripe sends during secret rotation). */
    public String v1(byte[] body, long timestampSeconds) {
        // stripe-java verifies over a Java String built from the raw payload; the worker must read the
        // body as UTF-8, so sign the same UTF-8 decoding here.
        String payload = timestampSeconds + "." + new String(body, StandardCharsets.UTF_8);
        try {
            return Webhook.Util.computeHmacSha256(secret, payload);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    /** {@code t=…,v1=<this secret>,v1=<other secret>}: one header that carries signatures by two secrets. */
    public String headerWithSecondSignature(byte[] body, long timestampSeconds, StripeSigner other) {
        return header(body, timestampSeconds) + ",v1=" + other.v1(body, timestampSeconds);
    }
}
