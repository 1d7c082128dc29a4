package com.adventive.billing.reconcile.control;

import com.adventive.billing.platform.control.Clock;
import com.adventive.billing.reconcile.entity.ReconcileDriftRow;
import com.adventive.billing.reconcile.entity.ReconcileRun;
import com.adventive.billing.reconcile.entity.ReconciliationReport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The stored runs. Each change commits on its own, so progress shows while a run goes on and a
 * crash leaves the run's last checkpoint behind. The running_key's unique constraint, not a lock,
 * decides which of two simultaneous requests starts the run; the other one joins it.
 */
@ApplicationScoped
public class ReconcileRuns {

    /** A run whose heartbeat is older than this died with its server; the next request takes over. */
    static final Duration ABANDONED_AFTER = Duration.ofMinutes(5);

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    /** The run that holds the key now (a heartbeat not older than {@link #ABANDONED_AFTER}). */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<ReconcileRun> running(String period, String acctId) {
        List<ReconcileRun> runs = em.createQuery("SELECT r FROM ReconcileRun r WHERE r.runningKey = :key",
                ReconcileRun.class).setParameter("key", ReconcileRun.runningKey(period, acctId)).getResultList();
        for (ReconcileRun run : runs) {
            if (run.heartbeatAt().isBefore(Clock.nowUtc().minus(ABANDONED_AFTER))) {
                run.failed("abandoned: no heartbeat for " + ABANDONED_AFTER.toMinutes()
                        + " minutes (its server stopped); a new run took over", Clock.nowUtc());
                em.flush();
                return Optional.empty();
            }
            return Optional.of(run);
        }
        return Optional.empty();
    }

    /** Starts a run, or answers empty when another request started the same one first. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<Long> start(String period, String acctId, String trigger) {
        ReconcileRun run = new ReconcileRun(period, acctId, trigger, Clock.nowUtc());
        try {
            em.persist(run);
            em.flush();
            return Optional.of(run.id());
        } catch (PersistenceException e) {
            return Optional.empty();
        }
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void progress(long runId, long pagesDone, String cursor, long invoices, long calls, long pagesNeeded) {
        ReconcileRun run = em.find(ReconcileRun.class, runId);
        if (run != null) {
            run.progress(pagesDone, cursor, invoices, calls, pagesNeeded, Clock.nowUtc());
        }
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void finish(long runId, ReconciliationReport report) {
        ReconcileRun run = em.find(ReconcileRun.class, runId);
        for (ReconciliationReport.Drift drift : report.drifts()) {
            em.persist(new ReconcileDriftRow(runId, drift));
        }
        run.finished(report, Clock.nowUtc());
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void fail(long runId, String why) {
        ReconcileRun run = em.find(ReconcileRun.class, runId);
        if (run != null) {
            run.failed(why, Clock.nowUtc());
        }
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<ReconcileRun> find(long runId) {
        return Optional.ofNullable(em.find(ReconcileRun.class, runId));
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<ReconcileRun> latest(int limit) {
        return em.createQuery("SELECT r FROM ReconcileRun r ORDER BY r.id DESC", ReconcileRun.class)
                .setMaxResults(limit).getResultList();
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<ReconciliationReport.Drift> drifts(long runId) {
        return em.createQuery("SELECT d FROM ReconcileDriftRow d WHERE d.runId = :run ORDER BY d.id",
                ReconcileDriftRow.class).setParameter("run", runId).getResultList().stream()
                .map(ReconcileDriftRow::drift).toList();
    }

    /** Accounts that had a rounding difference in an earlier run for another period. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<String> roundingBefore(String period) {
        return em.createQuery("SELECT DISTINCT d.acctId FROM ReconcileDriftRow d WHERE d.kind = 'rounding' "
                + "AND d.period <> :period AND d.acctId IS NOT NULL", String.class)
                .setParameter("period", period).getResultList();
    }
}
