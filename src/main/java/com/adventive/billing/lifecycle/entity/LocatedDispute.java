package com.adventive.billing.lifecycle.entity;

import java.time.Instant;

/**
 * A dispute as the worker knows it, with the invoice it is about when that could be found.
 *
 * @param source where the dispute's facts came from: {@code recorded} (its events) or {@code stripe}
 */
public record LocatedDispute(String disputeId, String chargeId, String status, String reason, Long amount,
                             String currency, Instant evidenceDueBy, String invoiceId, String source) {
}
