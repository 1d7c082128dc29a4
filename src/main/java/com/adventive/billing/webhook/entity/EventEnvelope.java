package com.adventive.billing.webhook.entity;

/**
 * The parts of a Stripe event the worker reads from the raw JSON, independent of the event's
 * api_version (which may be null, older, or newer than stripe-java's).
 */
public record EventEnvelope(String id, String type, String apiVersion, Long created, String objectId) {
}
