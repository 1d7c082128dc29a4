package com.adventive.billing.invoice.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.LocalDateTime;

/**
 * One invoice email and the outcome of sending it. The dedupe key makes an automatic send a
 * once-only effect. Status: prepared (written before SMTP is contacted) → sending (set when the
 * server has agreed to take the message body, just before it is transmitted) → sent | failed |
 * outcome_unknown. "failed" means the server certainly did not take it (safe to try again);
 * "outcome_unknown" means it was transmitted and no answer came, or a worker died while
 * transmitting: it may have been delivered, so it is never sent again under this dedupe key.
 * {@code pdfSha256} is the sha256 of the PDF attached to the latest attempt.
 */
@Entity
@Table(name = "email_delivery")
public class EmailDelivery {

    public static final String PREPARED = "prepared";
    public static final String SENDING = "sending";
    public static final String SENT = "sent";
    public static final String FAILED = "failed";
    public static final String OUTCOME_UNKNOWN = "outcome_unknown";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "dedupe_key")
    private String dedupeKey;

    @Column(name = "stripe_invoice_id")
    private String stripeInvoiceId;

    private String template;

    private String recipient;

    @Column(name = "message_id")
    private String messageId;

    private String status;

    private int attempts;

    @Column(name = "last_error")
    private String lastError;

    @Column(name = "created_at")
    private LocalDateTime createdAt;

    @Column(name = "attempted_at")
    private LocalDateTime attemptedAt;

    @Column(name = "sent_at")
    private LocalDateTime sentAt;

    @Column(name = "pdf_sha256")
    private String pdfSha256;

    /** The email provider's latest word on this email (Mailgun's event webhooks); null until it reports. */
    @Column(name = "provider_status")
    private String providerStatus;

    /** When the event behind {@link #providerStatus} happened, by the provider's clock. */
    @Column(name = "provider_status_at")
    private LocalDateTime providerStatusAt;

    @Column(name = "provider_reason")
    private String providerReason;

    protected EmailDelivery() {
    }

    public EmailDelivery(String dedupeKey, String stripeInvoiceId, String template, String recipient,
                         String messageId, LocalDateTime now) {
        this.dedupeKey = dedupeKey;
        this.stripeInvoiceId = stripeInvoiceId;
        this.template = template;
        this.recipient = recipient;
        this.messageId = messageId;
        this.status = PREPARED;
        this.createdAt = now;
    }

    public void attempting(String recipient, String pdfSha256, LocalDateTime now) {
        this.recipient = recipient;
        this.pdfSha256 = pdfSha256;
        this.attemptedAt = now;
        this.status = PREPARED;
        this.attempts++;
    }

    public void handedToSmtp(LocalDateTime now) {
        this.status = SENDING;
        this.attemptedAt = now;
    }

    public void sent(LocalDateTime now) {
        this.status = SENT;
        this.sentAt = now;
        this.lastError = null;
    }

    public void failed(String error) {
        this.status = FAILED;
        this.lastError = error;
    }

    public void outcomeUnknown(String error) {
        this.status = OUTCOME_UNKNOWN;
        this.lastError = error;
    }

    public Long id() { return id; }
    public String dedupeKey() { return dedupeKey; }
    public String stripeInvoiceId() { return stripeInvoiceId; }
    public String template() { return template; }
    public String recipient() { return recipient; }
    public String messageId() { return messageId; }
    public String status() { return status; }
    public int attempts() { return attempts; }
    public String lastError() { return lastError; }
    public LocalDateTime createdAt() { return createdAt; }
    public LocalDateTime sentAt() { return sentAt; }
    public LocalDateTime attemptedAt() { return attemptedAt; }
    public String pdfSha256() { return pdfSha256; }
    public String providerStatus() { return providerStatus; }
    public LocalDateTime providerStatusAt() { return providerStatusAt; }
    public String providerReason() { return providerReason; }

    /**
     * Takes the provider's report unless a later one (by the event's own time) is already recorded:
     * Mailgun's events arrive out of order and more than once, and the newest event says where the
     * email stands. True when this report is now the email's provider status.
     */
    public boolean providerReported(String status, LocalDateTime occurredAt, String reason) {
        if (providerStatusAt != null && occurredAt.isBefore(providerStatusAt)) {
            return false;
        }
        this.providerStatus = status;
        this.providerStatusAt = occurredAt;
        this.providerReason = reason;
        return true;
    }

    public boolean isSent() {
        return SENT.equals(status);
    }

    /** Being transmitted to SMTP, no answer recorded yet: in progress, or the worker stopped mid-send. */
    public boolean isSending() {
        return SENDING.equals(status);
    }

    /** Written down before SMTP was contacted: in progress, or the worker stopped before transmitting. */
    public boolean isPrepared() {
        return PREPARED.equals(status);
    }

    /** Transmitted (or being transmitted when a worker died) without an answer: may have been delivered. */
    public boolean isOutcomeUnknown() {
        return OUTCOME_UNKNOWN.equals(status);
    }
}
