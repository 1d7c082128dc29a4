package com.adventive.billing.usage.entity;

import com.adventive.billing.platform.entity.Texts;
import java.nio.charset.StandardCharsets;

/** The ledger key of a usage record: one quantity per account, period, metric and source record. */
public record UsageKey(String acctId, String period, String metric, String sourceId) {

    /**
     * The meter event identifier (and idempotency key) Stripe sees: derived from the key alone, so
     * every attempt, on any worker, on any day, sends the same one. A hash, because the key may be
     * longer than Stripe's 100 characters; the prefix makes it recognisable in Stripe's dashboard.
     */
    public String meterIdentifier() {
        String joined = String.join("\u0000", acctId, period, metric, sourceId);
        // the first 24 bytes of the digest, in hex
        return "usage_" + Texts.sha256Hex(joined.getBytes(StandardCharsets.UTF_8)).substring(0, 48);
    }
}
