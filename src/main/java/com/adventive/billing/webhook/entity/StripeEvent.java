package com.adventive.billing.webhook.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;

import java.time.LocalDateTime;

/** A Stripe event exactly as received: the raw payload is kept so work never depends on re-delivery. */
@Entity
@Table(name = "stripe_event")
public class StripeEvent {

    public static final String QUEUED = "queued";
    public static final String IGNORED = "ignored";

    @Id
    @Column(name = "event_id")
    private String eventId;

    @Column(name = "event_type")
    private String eventType;

    @Column(name = "api_version")
    private String apiVersion;

    @Column(name = "object_id")
    private String objectId;

    @Column(name = "stripe_created")
    private LocalDateTime stripeCreated;

    @Column(name = "received_at")
    private LocalDateTime receivedAt;

    private String disposition;

    @Lob
    private String payload;

    protected StripeEvent() {
    }

    public StripeEvent(String eventId, String eventType, String apiVersion, String objectId,
                       LocalDateTime stripeCreated, LocalDateTime receivedAt, String disposition, String payload) {
        this.eventId = eventId;
        this.eventType = eventType;
        this.apiVersion = apiVersion;
        this.objectId = objectId;
        this.stripeCreated = stripeCreated;
        this.receivedAt = receivedAt;
        this.disposition = disposition;
        this.payload = payload;
    }

    public String eventId() { return eventId; }
    public String eventType() { return eventType; }
    public String apiVersion() { return apiVersion; }
    public String objectId() { return objectId; }
    public LocalDateTime stripeCreated() { return stripeCreated; }
    public LocalDateTime receivedAt() { return receivedAt; }
    public String disposition() { return disposition; }
    public String payload() { return payload; }
}
