package com.adventive.billing.work.control;

import com.adventive.billing.platform.control.RetriedOnTransientConflict;
import com.adventive.billing.platform.entity.Texts;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.UUID;

/**
 * State transitions of work items. Each is a conditional UPDATE in its own transaction, so two
 * workers (a duplicate message, a sweeper re-enqueue) can never both own the same item, and a run
 * completes an item only under the claim it took (see {@link WorkClaim}).
 */
@ApplicationScoped
@RetriedOnTransientConflict
@Transactional(Transactional.TxType.REQUIRES_NEW)
public class WorkLedger {

    private static final int MAX_ERROR = 2000;
    private static final int MAX_BACKOFF_DOUBLINGS = 20;

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    @Inject
    Settings settings;

    /**
     * Takes the item if it is due and nobody holds a live lease on it. The claim gets a fresh token
     * and records which server instance and which run of it took the item.
     */
    public Optional<WorkClaim> claim(long id, String workerId, String runId) {
        LocalDateTime now = Clock.nowUtc();
        String token = UUID.randomUUID().toString();
        int updated = em.createQuery("""
                        UPDATE WorkItem w SET w.state = :running, w.attempts = w.attempts + 1,
                               w.leaseUntil = :leaseUntil, w.updatedAt = :now, w.claimToken = :token,
                               w.claimedBy = :worker, w.claimRun = :run, w.renewedAt = :now
                        WHERE w.id = :id AND (
                              (w.state = :pending AND w.nextAttemptAt <= :now)
                           OR (w.state = :running AND w.leaseUntil < :now))""")
                .setParameter("running", WorkState.RUNNING.dbValue())
                .setParameter("pending", WorkState.PENDING.dbValue())
                .setParameter("leaseUntil", now.plus(settings.workLease()))
                .setParameter("now", now)
                .setParameter("token", token)
                .setParameter("worker", workerId)
                .setParameter("run", runId)
                .setParameter("id", id)
                .executeUpdate();
        if (updated == 0) {
            return Optional.empty();
        }
        WorkItem item = em.find(WorkItem.class, id);
        return Optional.of(new WorkClaim(id, token, item.attempts(), item.kind(), item.subject(), item.eventId()));
    }

    // Completions. Each applies only while the item is still running under the claim that completes
    // it: a run that outlived its lease and was taken over finds its token gone and changes nothing.
    // Each returns false (or empty) in that case, and the caller reports the discarded outcome.

    public boolean finish(WorkClaim claim, WorkState outcome) {
        return em.createQuery("""
                        UPDATE WorkItem w SET w.state = :state, w.leaseUntil = NULL, w.updatedAt = :now,
                               w.failureReason = NULL, w.lastError = NULL
                        WHERE w.id = :id AND w.state = :running AND w.claimToken = :token""")
                .setParameter("state", outcome.dbValue())
                .setParameter("now", Clock.nowUtc())
                .setParameter("id", claim.itemId())
                .setParameter("running", WorkState.RUNNING.dbValue())
                .setParameter("token", claim.token())
                .executeUpdate() == 1;
    }

    /**
     * Schedules another attempt with exponential backoff, or gives up into {@code failed} once the
     * configured number of attempts is spent. Returns the state the item is left in; empty when the
     * claim was lost and nothing changed.
     */
    public Optional<WorkState> retryLater(WorkClaim claim, String error) {
        if (claim.attempt() >= settings.workMaxAttempts()) {
            return fail(claim, "attempts_exhausted", error) ? Optional.of(WorkState.FAILED) : Optional.empty();
        }
        LocalDateTime now = Clock.nowUtc();
        int updated = em.createQuery("""
                        UPDATE WorkItem w SET w.state = :pending, w.leaseUntil = NULL, w.enqueuedAt = NULL,
                               w.nextAttemptAt = :next, w.lastError = :error, w.updatedAt = :now
                        WHERE w.id = :id AND w.state = :running AND w.claimToken = :token""")
                .setParameter("pending", WorkState.PENDING.dbValue())
                .setParameter("next", now.plus(backoff(claim.attempt())))
                .setParameter("error", Texts.truncate(error, MAX_ERROR))
                .setParameter("now", now)
                .setParameter("id", claim.itemId())
                .setParameter("running", WorkState.RUNNING.dbValue())
                .setParameter("token", claim.token())
                .executeUpdate();
        return updated == 1 ? Optional.of(WorkState.PENDING) : Optional.empty();
    }

    public boolean fail(WorkClaim claim, String reason, String error) {
        return em.createQuery("""
                        UPDATE WorkItem w SET w.state = :failed, w.leaseUntil = NULL, w.failureReason = :reason,
                               w.lastError = :error, w.updatedAt = :now
                        WHERE w.id = :id AND w.state = :running AND w.claimToken = :token""")
                .setParameter("failed", WorkState.FAILED.dbValue())
                .setParameter("reason", reason)
                .setParameter("error", Texts.truncate(error, MAX_ERROR))
                .setParameter("now", Clock.nowUtc())
                .setParameter("id", claim.itemId())
                .setParameter("running", WorkState.RUNNING.dbValue())
                .setParameter("token", claim.token())
                .executeUpdate() == 1;
    }

    /**
     * Puts the item back for a short wait without counting this attempt: the claim's increment is
     * taken back, so waiting for someone else (another worker sending the same email) never uses up
     * the attempt budget. The wait is the retry base, not the backoff: nothing failed.
     */
    public boolean defer(WorkClaim claim) {
        LocalDateTime now = Clock.nowUtc();
        return em.createQuery("""
                        UPDATE WorkItem w SET w.state = :pending, w.attempts = w.attempts - 1, w.leaseUntil = NULL,
                               w.enqueuedAt = NULL, w.nextAttemptAt = :next, w.updatedAt = :now
                        WHERE w.id = :id AND w.state = :running AND w.claimToken = :token AND w.attempts > 0""")
                .setParameter("pending", WorkState.PENDING.dbValue())
                .setParameter("next", now.plus(settings.workRetryBase()))
                .setParameter("now", now)
                .setParameter("id", claim.itemId())
                .setParameter("running", WorkState.RUNNING.dbValue())
                .setParameter("token", claim.token())
                .executeUpdate() == 1;
    }

    /**
     * The heartbeat: extends the lease of every claim that is still held. Returns the claims that
     * are not (taken over after their lease lapsed, or completed meanwhile).
     */
    public List<WorkClaim> renew(List<WorkClaim> claims, Duration lease) {
        LocalDateTime now = Clock.nowUtc();
        List<WorkClaim> lost = new ArrayList<>();
        for (WorkClaim claim : claims) {
            int updated = em.createQuery("""
                            UPDATE WorkItem w SET w.leaseUntil = :leaseUntil, w.renewedAt = :now
                            WHERE w.id = :id AND w.state = :running AND w.claimToken = :token""")
                    .setParameter("leaseUntil", now.plus(lease))
                    .setParameter("now", now)
                    .setParameter("id", claim.itemId())
                    .setParameter("running", WorkState.RUNNING.dbValue())
                    .setParameter("token", claim.token())
                    .executeUpdate();
            if (updated == 0) {
                lost.add(claim);
            }
        }
        return lost;
    }

    /**
     * After a restart: items that an earlier run of this same instance was working on are orphaned
     * (that run is gone with its JVM), so their lease is ended now instead of waiting for it to
     * lapse; the sweep then resumes them like any lapsed lease. Only claims recorded under this
     * instance's own name count: other instances on the same database keep theirs. And only claims
     * silent for two heartbeats: should two live instances be misconfigured with one WORKER_ID,
     * neither takes the other's live work.
     */
    public List<WorkItem> releaseFromEarlierRuns(String workerId, String currentRunId) {
        LocalDateTime now = Clock.nowUtc();
        LocalDateTime silentSince = now.minus(WorkLeases.silenceOfADeadRun(settings.workLease()));
        List<WorkItem> orphaned = em.createQuery("""
                        SELECT w FROM WorkItem w
                        WHERE w.state = :running AND w.claimedBy = :worker AND w.claimRun <> :run
                          AND w.leaseUntil >= :now AND (w.renewedAt IS NULL OR w.renewedAt < :silentSince)
                        ORDER BY w.id""", WorkItem.class)
                .setParameter("running", WorkState.RUNNING.dbValue())
                .setParameter("worker", workerId)
                .setParameter("run", currentRunId)
                .setParameter("now", now)
                .setParameter("silentSince", silentSince)
                .setMaxResults(500)
                .getResultList();
        LocalDateTime ended = now.minusSeconds(1);
        return orphaned.stream().filter(item -> em.createQuery("""
                        UPDATE WorkItem w SET w.leaseUntil = :ended, w.updatedAt = :now
                        WHERE w.id = :id AND w.state = :running AND w.claimToken = :token""")
                .setParameter("ended", ended)
                .setParameter("now", now)
                .setParameter("id", item.id())
                .setParameter("running", WorkState.RUNNING.dbValue())
                .setParameter("token", item.claimToken())
                .executeUpdate() == 1).toList();
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
     * Messages sent before {@code runStartedAt} count as lost: the queue lives with the server, and
     * a crash can take recent messages with it, so after a restart due work is woken at once
     * instead of a lease later. A message that did survive only wakes a worker twice, which the
     * conditional claim makes harmless. Never-woken items of {@code pacedKinds} are left to their
     * own waker; once it has woken one, a lost message of it is found here like any other.
     */
    public List<Long> needingWake(int limit, LocalDateTime runStartedAt, Set<String> pacedKinds) {
        LocalDateTime now = Clock.nowUtc();
        LocalDateTime leaseAgo = now.minus(settings.workLease());
        LocalDateTime staleEnqueue = runStartedAt != null && runStartedAt.isAfter(leaseAgo) ? runStartedAt : leaseAgo;
        // an IN over an empty set is not portable SQL: a kind no item has stands in for "none"
        Set<String> paced = pacedKinds.isEmpty() ? Set.of("") : pacedKinds;
        return em.createQuery("""
                        SELECT w.id FROM WorkItem w
                        WHERE (w.state = :pending AND w.nextAttemptAt <= :now
                               AND ((w.enqueuedAt IS NULL AND w.kind NOT IN :paced) OR w.enqueuedAt < :stale))
                           OR (w.state = :running AND w.leaseUntil < :now)
                        ORDER BY w.id""", Long.class)
                .setParameter("pending", WorkState.PENDING.dbValue())
                .setParameter("running", WorkState.RUNNING.dbValue())
                .setParameter("now", now)
                .setParameter("stale", staleEnqueue)
                .setParameter("paced", paced)
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

}
