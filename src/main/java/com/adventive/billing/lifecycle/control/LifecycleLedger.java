package com.adventive.billing.lifecycle.control;

import com.adventive.billing.platform.control.RetriedOnTransientConflict;
import com.adventive.billing.lifecycle.entity.AdjustmentSnapshot;
import com.adventive.billing.lifecycle.entity.InvoiceAdjustment;
import com.adventive.billing.lifecycle.entity.InvoiceLifecycle;
import com.adventive.billing.lifecycle.entity.InvoiceLifecycleEvent;
import com.adventive.billing.lifecycle.entity.InvoiceSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Records one event's copy of an invoice: its history row (once per Stripe event) and the merge
 * into the invoice's lifecycle record, in one transaction. Two workers merging into the same
 * record at once conflict on its version (or on its key when both create it); the loser's work is
 * retried and merges again, which is safe because the merge is idempotent.
 */
@ApplicationScoped
@RetriedOnTransientConflict
@Transactional(Transactional.TxType.REQUIRES_NEW)
public class LifecycleLedger {

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    /** @param firstTime false when this Stripe event was recorded before (a redelivery or a retry) */
    public record Recorded(boolean firstTime, InvoiceLifecycle state) {
    }

    /** @param firstTime false when this Stripe event was recorded before */
    public record RecordedAdjustment(boolean firstTime, InvoiceAdjustment state) {
    }

    public RecordedAdjustment record(String stripeEventId, String eventType, AdjustmentSnapshot copy,
                                     Instant occurredAt) {
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        boolean firstTime = isNew(stripeEventId);
        if (firstTime) {
            em.persist(new InvoiceLifecycleEvent(stripeEventId, eventType, copy,
                    occurredAt == null ? null : LocalDateTime.ofInstant(occurredAt, ZoneOffset.UTC), now));
        }
        InvoiceAdjustment state = em.find(InvoiceAdjustment.class, copy.objectId());
        if (state == null) {
            state = new InvoiceAdjustment(copy.objectId(), copy.kind(), now);
            state.merge(copy, now);
            em.persist(state);
        } else {
            state.merge(copy, now);
        }
        em.flush();
        return new RecordedAdjustment(firstTime, state);
    }

    private boolean isNew(String stripeEventId) {
        return em.createQuery("SELECT COUNT(e) FROM InvoiceLifecycleEvent e WHERE e.stripeEventId = :id", Long.class)
                .setParameter("id", stripeEventId).getSingleResult() == 0;
    }

    public Recorded record(String stripeEventId, String eventType, InvoiceSnapshot copy, Instant occurredAt) {
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        boolean firstTime = isNew(stripeEventId);
        if (firstTime) {
            em.persist(new InvoiceLifecycleEvent(stripeEventId, eventType, copy,
                    occurredAt == null ? null : LocalDateTime.ofInstant(occurredAt, ZoneOffset.UTC), now));
        }
        InvoiceLifecycle state = em.find(InvoiceLifecycle.class, copy.invoiceId());
        if (state == null) {
            state = new InvoiceLifecycle(copy.invoiceId(), now);
            state.merge(copy, now);
            em.persist(state);
        } else {
            state.merge(copy, now);
        }
        em.flush();
        return new Recorded(firstTime, state);
    }

    /** Writes the invoice a dispute is about onto its record (found through a refund or Stripe); order-free like every merge. */
    public void linkInvoice(String disputeId, String invoiceId) {
        InvoiceAdjustment state = em.find(InvoiceAdjustment.class, disputeId);
        if (state != null) {
            state.merge(new AdjustmentSnapshot(disputeId, state.kind(), invoiceId, null, null, null, null, null, null),
                    LocalDateTime.now(ZoneOffset.UTC));
        }
    }
}
