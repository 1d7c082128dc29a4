package com.adventive.billing.platform.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether Stripe answers an authenticated call with the current key. Cached for a minute so probes
 * never hammer Stripe; informational only — Stripe being down must not make the worker unready.
 */
@ApplicationScoped
public class StripeStatus {

    private static final Duration CACHE = Duration.ofSeconds(60);
    /** A failed probe is retried sooner, so a recovered Stripe (or a fixed key) shows within seconds. */
    private static final Duration CACHE_WHEN_DOWN = Duration.ofSeconds(5);
    private static final int TIMEOUT_MS = 2_000;

    @Inject
    StripeGateway stripe;

    @Inject
    Settings settings;

    private record Reading(boolean connected, Instant at, String keyFingerprint) {
    }

    private final AtomicReference<Reading> last = new AtomicReference<>();

    public boolean connected() {
        String fingerprint = settings.stripeSecretKey().map(k -> Integer.toHexString(k.hashCode())).orElse("");
        Reading reading = last.get();
        Instant now = Instant.now();
        if (reading != null && reading.keyFingerprint().equals(fingerprint)
                && Duration.between(reading.at(), now).compareTo(reading.connected() ? CACHE : CACHE_WHEN_DOWN) < 0) {
            return reading.connected();
        }
        boolean connected = probe();
        last.set(new Reading(connected, now, fingerprint));
        return connected;
    }

    private boolean probe() {
        if (!stripe.isConfigured()) {
            return false;
        }
        try {
            stripe.ping(TIMEOUT_MS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
