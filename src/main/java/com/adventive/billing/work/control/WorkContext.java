package com.adventive.billing.work.control;

import com.adventive.billing.platform.entity.OperationalContext;

/**
 * What a handler is asked to do: the work item, its kind and its subject.
 *
 * @param attempt which attempt this run is (1 for the first); a retry may find the world changed
 * @param eventId the stored Stripe event the work comes from, or null for other work
 */
public record WorkContext(long workItemId, String kind, String subject, int attempt, String eventId) {

    public OperationalContext operational() {
        return OperationalContext.ofWork(workItemId, eventId);
    }
}
