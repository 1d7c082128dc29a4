package com.adventive.billing.work.control;

import com.adventive.billing.platform.control.Clock;
import com.adventive.billing.work.entity.WorkItem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

/**
 * Creates work in the caller's transaction, so the work exists exactly when what it is about does
 * (the stored event, the ledger record). The caller wakes a worker after its commit; if that wake
 * is lost, the sweeper finds the item.
 */
@ApplicationScoped
public class WorkSubmission {

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    /** Work that comes from a stored Stripe event: its subject is the event. */
    @Transactional(Transactional.TxType.MANDATORY)
    public long forStripeEvent(String kind, String eventId) {
        return persist(new WorkItem(kind, eventId, eventId, Clock.nowUtc()));
    }

    /** Work about something else the worker records (a usage ledger record, a reconciliation run, ...). */
    @Transactional(Transactional.TxType.MANDATORY)
    public long submit(String kind, String subject) {
        return persist(new WorkItem(kind, subject, null, Clock.nowUtc()));
    }

    private long persist(WorkItem item) {
        em.persist(item);
        // flush so a duplicate (kind, subject) fails here, inside the caller's method, not at its commit
        em.flush();
        return item.id();
    }
}
