package com.adventive.billing.lifecycle.entity;

import java.time.Instant;

/**
 * What one Stripe event's copy of an invoice says about its life: its status, what was paid, the
 * payment attempts and the {@code status_transitions} timestamps Stripe sets once each.
 */
public record InvoiceSnapshot(String invoiceId, String status, String currency, Long amountPaid,
                              Instant finalizedAt, Instant paidAt, Instant voidedAt, Instant markedUncollectibleAt,
                              Integer attemptCount, Instant nextPaymentAttempt, String declineReason,
                              String hostedInvoiceUrl) {
}
