package com.adventive.billing.invoice.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.LocalDateTime;

/**
 * One event the email provider reported (Mailgun: delivered, failed, complained, unsubscribed), kept
 * as received, with the email it was matched to by Message-ID (null when the Message-ID is not one
 * of the worker's). The email's current provider status is on {@link EmailDelivery}; this is the history.
 */
@Entity
@Table(name = "email_provider_event")
public class EmailProviderEvent {

    public static final String DELIVERED = "delivered";
    public static final String FAILED_PERMANENT = "failed_permanent";
    public static final String FAILED_TEMPORARY = "failed_temporary";
    public static final String COMPLAINED = "complained";
    public static final String UNSUBSCRIBED = "unsubscribed";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String provider;

    @Column(name = "provider_event_id")
    private String providerEventId;

    @Column(name = "event_type")
    private String eventType;

    private String severity;

    private String status;

    private String recipient;

    @Column(name = "message_id")
    private String messageId;

    private String reason;

    @Column(name = "occurred_at")
    private LocalDateTime occurredAt;

    @Column(name = "received_at")
    private LocalDateTime receivedAt;

    @Column(name = "email_delivery_id")
    private Long emailDeliveryId;

    @Column(name = "stripe_invoice_id")
    private String stripeInvoiceId;

    protected EmailProviderEvent() {
    }

    public EmailProviderEvent(String provider, String providerEventId, String eventType, String severity, String status,
                              String recipient, String messageId, String reason, LocalDateTime occurredAt,
                              LocalDateTime receivedAt, Long emailDeliveryId, String stripeInvoiceId) {
        this.provider = provider;
        this.providerEventId = providerEventId;
        this.eventType = eventType;
        this.severity = severity;
        this.status = status;
        this.recipient = recipient;
        this.messageId = messageId;
        this.reason = reason;
        this.occurredAt = occurredAt;
        this.receivedAt = receivedAt;
        this.emailDeliveryId = emailDeliveryId;
        this.stripeInvoiceId = stripeInvoiceId;
    }

    public Long id() { return id; }
    public String provider() { return provider; }
    public String providerEventId() { return providerEventId; }
    public String eventType() { return eventType; }
    public String severity() { return severity; }
    public String status() { return status; }
    public String recipient() { return recipient; }
    public String messageId() { return messageId; }
    public String reason() { return reason; }
    public LocalDateTime occurredAt() { return occurredAt; }
    public LocalDateTime receivedAt() { return receivedAt; }
    public Long emailDeliveryId() { return emailDeliveryId; }
    public String stripeInvoiceId() { return stripeInvoiceId; }
}
