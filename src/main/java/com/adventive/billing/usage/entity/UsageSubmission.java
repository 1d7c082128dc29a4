package com.adventive.billing.usage.entity;

/**
 * One record as the caller sent it, before validation: any field may be missing (null) or of the
 * wrong shape (then {@code shapeError} says which), and the ledger judges it on its own.
 *
 * @param quantity the integer as sent, or null when absent or not a whole number (see shapeError)
 */
public record UsageSubmission(String acctId, String period, String metric, Long quantity, String sourceId,
                              String occurredAt, String shapeError) {
}
