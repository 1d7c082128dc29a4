package com.adventive.billing.work.control;

import com.adventive.billing.platform.control.Clock;
import com.adventive.billing.platform.control.Settings;
import com.adventive.billing.work.entity.WorkItem;
import com.adventive.billing.work.entity.WorkState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;

/**
 * State transitions of work items. Each is a conditional UPDATE in its own transaction, so two
 * workers (a duplicate message, a sweeper re-enqueue) can never both own the same item.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRES_NEW)
public class WorkLedger {

    private static final int MAX_ERROR = 2000;
    private static final int MAX_BACKOFF_DOUBLINGS = 20;

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    @Inject
    Settings settings;

    /** Takes the item if it is due and nobody holds a live lease on it. */
    public Optional<WorkItem> claim(long id) {
        LocalDateTime now = Clock.nowUtc();
        int updated = em.createQuery("""
                        UPDATE WorkItem w SET w.state = :running, w.attempts = w.attempts + 1,
                               w.leaseUntil = :leaseUntil, w.updatedAt = :now
                        WHERE w.id = :id AND (
                              (w.state = :pending AND w.nextAttemptAt <= :now)
                           OR (w.state = :running AND w.leaseUntil < :now))""")
                .setParameter("running", WorkState.RUNNING.dbValue())
                .setParameter("pending", WorkState.PENDING.dbValue())
                .setParameter("leaseUntil", now.plus(settings.workLease()))
                .setParameter("now", now)
                .setParameter("id", id)
                .executeUpdate();
        if (updated == 0) {
            return Optional.empty();
        }
        return Optional.ofNullable(em.find(WorkItem.class, id));
    }

    public void finish(long id, WorkState outcome) {
        em.createQuery("""
                        UPDATE WorkItem w SET w.state = :state, w.leaseUntil = NULL, w.updatedAt = :now,
                               w.failureReason = NULL, w.lastError = NULL
                        WHERE w.id = :id""")
                .setParameter("state", outcome.dbValue())
                .setParameter("now", Clock.nowUtc())
                .setParameter("id", id)
                .executeUpdate();
    }

    /**
     * Schedules another attempt with exponential backoff, or gives up into {@code failed} once the
     * configured number of attempts is spent. Returns the state the item is left in.
     */
    public WorkState retryLater(long id, int attemptsSoFar, String error) {
        if (attemptsSoFar >= settings.workMaxAttempts()) {
            fail(id, "attempts_exhausted", error);
            return WorkState.FAILED;
        }
        LocalDateTime now = Clock.nowUtc();
        em.createQuery("""
                        UPDATE WorkItem w SET w.state = :pending, w.leaseUntil = NULL, w.enqueuedAt = NULL,
                               w.nextAttemptAt = :next, w.lastError = :error, w.updatedAt = :now
                        WHERE w.id = :id""")
                .setParameter("pending", WorkState.PENDING.dbValue())
                .setParameter("next", now.plus(backoff(attemptsSoFar)))
                .setParameter("error", truncate(error))
                .setParameter("now", now)
                .setParameter("id", id)
                .executeUpdate();
        return WorkState.PENDING;
    }

    public void fail(long id, String reason, String error) {
        em.createQuery("""
                        UPDATE WorkItem w SET w.state = :failed, w.leaseUntil = NULL, w.failureReason = :reason,
                               w.lastError = :error, w.updatedAt = :now
                        WHERE w.id = :id""")
                .setParameter("failed", WorkState.FAILED.dbValue())
                .setParameter("reason", reason)
                .setParameter("error", truncate(error))
                .setParameter("now", Clock.nowUtc())
                .setParameter("id", id)
                .executeUpdate();
    }

    /** An operator's retry: a failed item starts over with a fresh attempt budget. */
    public boolean retryFailed(long id) {
        LocalDateTime now = Clock.nowUtc();
        return em.createQuery("""
                        UPDATE WorkItem w SET w.state = :pending, w.attempts = 0, w.nextAttemptAt = :now,
                               w.enqueuedAt = NULL, w.leaseUntil = NULL, w.failureReason = NULL, w.updatedAt = :now
                        WHERE w.id = :id AND w.state = :failed""")
                .setParameter("pending", WorkState.PENDING.dbValue())
                .setParameter("failed", WorkState.FAILED.dbValue())
                .setParameter("now", now)
                .setParameter("id", id)
                .executeUpdate() == 1;
    }

    /** The message for a new item was not sent: let the sweeper pick it up at once. */
    public void markNotEnqueued(long id) {
        em.createQuery("UPDATE WorkItem w SET w.enqueuedAt = NULL WHERE w.id = :id")
                .setParameter("id", id)
                .executeUpdate();
    }

    public void markEnqueued(long id) {
        em.createQuery("UPDATE WorkItem w SET w.enqueuedAt = :now WHERE w.id = :id")
                .setParameter("now", Clock.nowUtc())
                .setParameter("id", id)
                .executeUpdate();
    }

    /**
     * Items that need a message: due and never (or long ago) enqueued — a lost message, a crash
     * between commit and send, a restart — and items whose worker died holding the lease.
     */
    public List<Long> needingWake(int limit) {
        LocalDateTime now = Clock.nowUtc();
        LocalDateTime staleEnqueue = now.minus(settings.workLease());
        return em.createQuery("""
                        SELECT w.id FROM WorkItem w
                        WHERE (w.state = :pending AND w.nextAttemptAt <= :now
                               AND (w.enqueuedAt IS NULL OR w.enqueuedAt < :stale))
                           OR (w.state = :running AND w.leaseUntil < :now)
                        ORDER BY w.id""", Long.class)
                .setParameter("pending", WorkState.PENDING.dbValue())
                .setParameter("running", WorkState.RUNNING.dbValue())
                .setParameter("now", now)
                .setParameter("stale", staleEnqueue)
                .setMaxResults(limit)
                .getResultList();
    }

    /**
     * Items whose worker died holding the lease on their last allowed attempt give up here; the
     * conditional update keeps a worker that finishes at the last moment from being overwritten.
     */
    public List<WorkItem> failAbandoned() {
        LocalDateTime now = Clock.nowUtc();
        List<WorkItem> abandoned = em.createQuery("""
                        SELECT w FROM WorkItem w
                        WHERE w.state = :running AND w.leaseUntil < :now AND w.attempts >= :max""", WorkItem.class)
                .setParameter("running", WorkState.RUNNING.dbValue())
                .setParameter("now", now)
                .setParameter("max", settings.workMaxAttempts())
                .setMaxResults(500)
                .getResultList();
        return abandoned.stream().filter(item -> em.createQuery("""
                        UPDATE WorkItem w SET w.state = :failed, w.leaseUntil = NULL,
                               w.failureReason = 'attempts_exhausted',
                               w.lastError = 'worker stopped while holding the lease', w.updatedAt = :now
                        WHERE w.id = :id AND w.state = :running AND w.leaseUntil < :now""")
                .setParameter("failed", WorkState.FAILED.dbValue())
                .setParameter("running", WorkState.RUNNING.dbValue())
                .setParameter("now", now)
                .setParameter("id", item.id())
                .executeUpdate() == 1).toList();
    }

    public long countInState(WorkState state) {
        return em.createQuery("SELECT COUNT(w) FROM WorkItem w WHERE w.state = :state", Long.class)
                .setParameter("state", state.dbValue())
                .getSingleResult();
    }

    /** Base × 2^(attempts-1), capped; attempts start at 1. */
    Duration backoff(int attemptsSoFar) {
        Duration base = settings.workRetryBase();
        Duration cap = settings.workRetryMax();
        int doublings = Math.min(Math.max(attemptsSoFar - 1, 0), MAX_BACKOFF_DOUBLINGS);
        Duration delay = base.multipliedBy(1L << doublings);
        return delay.compareTo(cap) > 0 ? cap : delay;
    }

    private static String truncate(String error) {
        if (error == null) {
            return null;
        }
        return error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR - 1) + "…";
    }
}
