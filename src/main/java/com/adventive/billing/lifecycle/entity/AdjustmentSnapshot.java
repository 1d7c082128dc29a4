package com.adventive.billing.lifecycle.entity;

import java.time.Instant;

/**
 * What one event's copy of a refunded charge, a credit note or a dispute says.
 *
 * @param amount minor units: the amount refunded so far (charge), the credit note's total, the disputed amount
 */
public record AdjustmentSnapshot(String objectId, String kind, String invoiceId, String chargeId, String status,
                                 String reason, Long amount, String currency, Instant evidenceDueBy) {

    public static final String REFUND = "refund";
    public static final String CREDIT_NOTE = "credit_note";
    public static final String DISPUTE = "dispute";
}
