package com.adventive.billing.lifecycle.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.LocalDateTime;

/** One Stripe event in an invoice's life, as its copy of the invoice described it (history). */
@Entity
@Table(name = "invoice_lifecycle_event")
public class InvoiceLifecycleEvent {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "stripe_event_id")
    private String stripeEventId;

    @Column(name = "stripe_invoice_id")
    private String stripeInvoiceId;

    @Column(name = "event_type")
    private String eventType;

    private String status;

    @Column(name = "amount_paid")
    private Long amountPaid;

    @Column(name = "attempt_count")
    private Integer attemptCount;

    @Column(name = "next_payment_attempt")
    private LocalDateTime nextPaymentAttempt;

    @Column(name = "decline_reason")
    private String declineReason;

    @Column(name = "occurred_at")
    private LocalDateTime occurredAt;

    @Column(name = "recorded_at")
    private LocalDateTime recordedAt;

    protected InvoiceLifecycleEvent() {
    }

    public InvoiceLifecycleEvent(String stripeEventId, String eventType, InvoiceSnapshot snapshot,
                                 LocalDateTime occurredAt, LocalDateTime now) {
        this.stripeEventId = stripeEventId;
        this.stripeInvoiceId = snapshot.invoiceId();
        this.eventType = eventType;
        this.status = snapshot.status();
        this.amountPaid = snapshot.amountPaid();
        this.attemptCount = snapshot.attemptCount();
        this.nextPaymentAttempt = InvoiceLifecycle.utc(snapshot.nextPaymentAttempt());
        this.declineReason = InvoiceLifecycle.bounded(snapshot.declineReason());
        this.occurredAt = occurredAt;
        this.recordedAt = now;
    }

    /** A refund, credit note or dispute event: its status and amount; {@code invoiceId} may be null. */
    public InvoiceLifecycleEvent(String stripeEventId, String eventType, AdjustmentSnapshot copy,
                                 LocalDateTime occurredAt, LocalDateTime now) {
        this.stripeEventId = stripeEventId;
        this.stripeInvoiceId = copy.invoiceId();
        this.eventType = eventType;
        this.status = copy.status();
        this.amountPaid = null;
        this.declineReason = InvoiceLifecycle.bounded(copy.reason());
        this.occurredAt = occurredAt;
        this.recordedAt = now;
    }

    public Long id() { return id; }
    public String stripeEventId() { return stripeEventId; }
    public String stripeInvoiceId() { return stripeInvoiceId; }
    public String eventType() { return eventType; }
    public String status() { return status; }
    public Long amountPaid() { return amountPaid; }
    public Integer attemptCount() { return attemptCount; }
    public LocalDateTime nextPaymentAttempt() { return nextPaymentAttempt; }
    public String declineReason() { return declineReason; }
    public LocalDateTime occurredAt() { return occurredAt; }
    public LocalDateTime recordedAt() { return recordedAt; }
}
