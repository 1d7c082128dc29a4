package com.adventive.billing.reconcile.control;

import com.adventive.billing.platform.control.Clock;
import com.adventive.billing.reconcile.entity.ReconcileDriftRow;
import com.adventive.billing.reconcile.entity.ReconcileRun;
import com.adventive.billing.reconcile.entity.ReconciliationReport;
import com.adventive.billing.reconcile.entity.StagedBill;
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

    /** The run that holds the key now, if any (it may be stale: see {@link #isStale}). */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<ReconcileRun> running(String period, String acctId) {
        return em.createQuery("SELECT r FROM ReconcileRun r WHERE r.runningKey = :key", ReconcileRun.class)
                .setParameter("key", ReconcileRun.runningKey(period, acctId)).getResultList().stream().findFirst();
    }

    /** No heartbeat for {@link #ABANDONED_AFTER}: its server stopped or its job died. */
    public static boolean isStale(ReconcileRun run) {
        return run.heartbeatAt().isBefore(Clock.nowUtc().minus(ABANDONED_AFTER));
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

    /**
     * Stages one page's bills and moves the run's progress on, in one commit. A page staged again
     * (a run restarted after a crash between this commit and the batch checkpoint) adds nothing.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void stage(long runId, List<StagedBill> bills, String cursor, long calls, long pagesNeeded) {
        ReconcileRun run = em.find(ReconcileRun.class, runId);
        java.util.Set<String> known = new java.util.HashSet<>();
        if (!bills.isEmpty()) {
            // one query for the page, not one per invoice: a page is staged again only after a crash
            known.addAll(em.createQuery("SELECT b.invoiceId FROM StagedBill b WHERE b.runId = :run "
                    + "AND b.invoiceId IN :ids", String.class).setParameter("run", runId)
                    .setParameter("ids", bills.stream().map(StagedBill::invoiceId).toList()).getResultList());
        }
        long added = 0;
        // one JDBC batch per page in this transaction's connection, not one INSERT per bill through the
        // persistence context: the per-invoice INSERTs were the bulk of a page's commit (ReconcileBenchmark)
        java.sql.Connection connection = em.unwrap(java.sql.Connection.class);
        try (java.sql.PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO reconcile_bill (run_id, invoice_id, acct_id, bill) VALUES (?, ?, ?, ?)")) {
            for (StagedBill bill : bills) {
                if (known.add(bill.invoiceId())) {
                    insert.setLong(1, runId);
                    insert.setString(2, bill.invoiceId());
                    insert.setString(3, bill.acctId());
                    insert.setString(4, bill.billJson());
                    insert.addBatch();
                    added++;
                }
            }
            if (added > 0) {
                insert.executeBatch();
            }
        } catch (java.sql.SQLException e) {
            throw new PersistenceException("staging " + added + " bills of run " + runId + " failed", e);
        }
        run.progress(run.stripePagesDone() + 1, cursor, run.invoicesChecked() + added, calls, pagesNeeded,
                Clock.nowUtc());
    }

    /**
     * Read-only (EclipseLink's hint; other providers ignore it): the compare step only reads the
     * run's bills, so 10,000 of them need no copies kept for change tracking.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<StagedBill> staged(long runId) {
        return em.createQuery("SELECT b FROM StagedBill b WHERE b.runId = :run", StagedBill.class)
                .setParameter("run", runId).setHint("eclipselink.read-only", "true").getResultList();
    }

    /** Stripe calls so far (a restarted run goes on counting). */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void calls(long runId, long calls, long pagesNeeded) {
        ReconcileRun run = em.find(ReconcileRun.class, runId);
        run.progress(run.stripePagesDone(), run.stripeCursor(), run.invoicesChecked(), calls, pagesNeeded, Clock.nowUtc());
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void executedBy(long runId, long executionId) {
        em.find(ReconcileRun.class, runId).executedBy(executionId, Clock.nowUtc());
    }

    /** The accounts of these invoices' customers, in one query. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public java.util.Map<String, String> accountsOf(List<com.stripe.model.Invoice> invoices) {
        java.util.Set<String> customers = new java.util.HashSet<>();
        invoices.forEach(i -> {
            if (i.getCustomer() != null) {
                customers.add(i.getCustomer());
            }
        });
        java.util.Map<String, String> byCustomer = new java.util.HashMap<>();
        if (!customers.isEmpty()) {
            for (com.adventive.billing.invoice.entity.BillingAccount a : em.createQuery(
                    "SELECT a FROM BillingAccount a WHERE a.stripeCustomerId IN :ids",
                    com.adventive.billing.invoice.entity.BillingAccount.class)
                    .setParameter("ids", customers).getResultList()) {
                byCustomer.put(a.stripeCustomerId(), a.acctId());
            }
        }
        return byCustomer;
    }

    /** Runs still marked running (e.g. after a crash), oldest first. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<ReconcileRun> unfinished() {
        return em.createQuery("SELECT r FROM ReconcileRun r WHERE r.state = :running ORDER BY r.id", ReconcileRun.class)
                .setParameter("running", ReconcileRun.RUNNING).getResultList();
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
