package com.adventive.billing.reconcile.control;

import com.adventive.billing.platform.control.Clock;
import com.adventive.billing.reconcile.entity.ReconcileFiring;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Optional;

/**
 * The scheduled firings of the reconciliation, each claimed once. Several persistent timers can fire
 * for the same slot (two instances starting together each created one, or Liberty's failover ran
 * a firing again on another instance); the firing key's primary key, not a lock, decides which one
 * runs. Each change commits on its own, so a claim is visible to the other instance at once.
 */
@ApplicationScoped
public class ReconcileFirings {

    /**
     * A claim still without a run after this long: its instance died between claiming and starting
     * the run, and a firing of the same slot (Liberty's failover after missedTaskThreshold) takes it over.
     */
    static final Duration UNSTARTED_AFTER = ReconcileRuns.ABANDONED_AFTER;

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    /** Claims the firing; false when another timer's firing of the same slot claimed it first. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean claim(String firingKey, String schedule, LocalDateTime nextTimeout, String instance) {
        try {
            em.persist(new ReconcileFiring(firingKey, schedule, nextTimeout, instance, Clock.nowUtc()));
            em.flush();
            return true;
        } catch (PersistenceException e) {
            return false;
        }
    }

    /** Takes over a claim whose instance never started its run (see {@link #UNSTARTED_AFTER}). */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean takeOverUnstarted(String firingKey, String instance) {
        LocalDateTime now = Clock.nowUtc();
        return em.createQuery("UPDATE ReconcileFiring f SET f.claimedBy = :instance, f.claimedAt = :now "
                        + "WHERE f.firingKey = :key AND f.runId IS NULL AND f.claimedAt < :cutoff")
                .setParameter("instance", instance).setParameter("now", now).setParameter("key", firingKey)
                .setParameter("cutoff", now.minus(UNSTARTED_AFTER)).executeUpdate() == 1;
    }

    /** The run the firing started or joined. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void ran(String firingKey, long runId) {
        ReconcileFiring firing = em.find(ReconcileFiring.class, firingKey);
        if (firing != null && firing.runId() == null) {
            firing.ran(runId);
        }
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<ReconcileFiring> find(String firingKey) {
        return Optional.ofNullable(em.find(ReconcileFiring.class, firingKey));
    }
}
