package com.adventive.billing.usage.entity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The ledger key of a usage record: one quantity per account, period, metric and source record. */
public record UsageKey(String acctId, String period, String metric, String sourceId) {

    /**
     * The meter event identifier (and idempotency key) Stripe sees: derived from the key alone, so
     * every attempt, on any worker, on any day, sends the same one. A hash, because the key may be
     * longer than Stripe's 100 characters; the prefix makes it recognisable in Stripe's dashboard.
     */
    public String meterIdentifier() {
        String joined = String.join("\u0000", acctId, period, metric, sourceId);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(joined.getBytes(StandardCharsets.UTF_8));
            return "usage_" + HexFormat.of().formatHex(digest, 0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }
}
