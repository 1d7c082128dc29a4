package com.adventive.billing.webhook.entity;

import jakarta.json.JsonObject;

import java.time.Instant;

/**
 * A stored Stripe event as handlers read it, its payload parsed once.
 *
 * @param occurredAt when Stripe created the event (else when it was received)
 * @param dataObject the event's {@code data.object}, or null when the payload has none
 */
public record ReceivedEvent(String eventId, String type, String apiVersion, Instant occurredAt, JsonObject dataObject) {
}
