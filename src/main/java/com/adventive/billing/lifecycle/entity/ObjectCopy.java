package com.adventive.billing.lifecycle.entity;

import java.time.Instant;

/**
 * Where a stored copy of a Stripe object came from, and the moment it describes: an event's copy
 * describes the object as of the event's {@code created}; a copy fetched from Stripe, as of the fetch.
 */
public record ObjectCopy(Instant asOf, String source, String eventId) {

    public static final String EVENT = "event";
    public static final String STRIPE = "stripe";

    public static ObjectCopy ofEvent(Instant created, String eventId) {
        return new ObjectCopy(created, EVENT, eventId);
    }

    public static ObjectCopy fetched(Instant at) {
        return new ObjectCopy(at, STRIPE, null);
    }
}
