package com.adventive.billing.usage.entity;

/**
 * What became of one submitted record.
 *
 * @param status accepted (stored, will be reported), duplicate (already stored with this quantity),
 *               conflict (already stored with another quantity; correct it with an adjustment) or rejected
 * @param recordId the ledger record, for accepted, duplicate and conflict; null when rejected
 * @param reason why it was rejected or conflicts; null otherwise
 */
public record UsageOutcome(int index, String status, Long recordId, String reason) {

    public static final String ACCEPTED = "accepted";
    public static final String DUPLICATE = "duplicate";
    public static final String CONFLICT = "conflict";
    public static final String REJECTED = "rejected";
}
