package com.adventive.billing.webhook.control;

import com.adventive.billing.platform.control.RetriedOnTransientConflict;
import com.adventive.billing.platform.control.Clock;
import com.adventive.billing.webhook.entity.EventEnvelope;
import com.adventive.billing.webhook.entity.StripeEvent;
import com.adventive.billing.work.control.WorkHandlers;
import com.adventive.billing.work.control.WorkSubmission;
import jakarta.inject.Inject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.LocalDateTime;

/** Stores a verified event and, for types we handle, its work item — in one transaction. */
@ApplicationScoped
@RetriedOnTransientConflict
public class EventIntake {

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    @Inject
    WorkHandlers handlers;

    @Inject
    WorkSubmission work;

    public sealed interface Outcome {
        record Queued(long workItemId) implements Outcome { }
        record Ignored() implements Outcome { }
        record Duplicate() implements Outcome { }
    }

    /**
     * Commits before returning; a concurrent duplicate surfaces as a constraint violation at commit,
     * which the caller resolves with {@link #alreadyStored(String)}.
     */
    @Transactional
    public Outcome store(EventEnvelope envelope, String payload) {
        if (em.find(StripeEvent.class, envelope.id()) != null) {
            return new Outcome.Duplicate();
        }
        LocalDateTime now = Clock.nowUtc();
        boolean handled = handlers.handles(envelope.type());
        LocalDateTime created = envelope.created() == null ? null : Clock.fromEpochSecond(envelope.created());
        em.persist(new StripeEvent(envelope.id(), envelope.type(), envelope.apiVersion(), envelope.objectId(),
                created, now, handled ? StripeEvent.QUEUED : StripeEvent.IGNORED, payload));
        if (!handled) {
            return new Outcome.Ignored();
        }
        // Flush so a duplicate id fails here, not after this method has already answered.
        em.flush();
        return new Outcome.Queued(work.forStripeEvent(envelope.type(), envelope.id()));
    }

    @Transactional
    public boolean alreadyStored(String eventId) {
        return em.find(StripeEvent.class, eventId) != null;
    }
}
