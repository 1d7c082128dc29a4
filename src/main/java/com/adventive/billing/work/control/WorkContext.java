package com.adventive.billing.work.control;

import com.adventive.billing.platform.entity.OperationalContext;

import java.time.Instant;

/**
 * The stored event a handler works on, with the ids operational events are tagged with.
 *
 * @param attempt    which attempt this run is (1 for the first); a retry may find the world changed
 * @param occurredAt when the event happened at its source (else when it was received)
 */
public record WorkContext(long workItemId, int attempt, String eventId, String eventType, String apiVersion,
                          String payload, Instant occurredAt) {

    public OperationalContext operational() {
        return OperationalContext.ofWork(workItemId, eventId);
    }
}
