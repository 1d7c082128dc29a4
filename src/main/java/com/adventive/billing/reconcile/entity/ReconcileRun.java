package com.adventive.billing.reconcile.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.LocalDateTime;

/** One reconciliation run: what it checked, how far it has come, what it found, what Stripe calls it made. */
@Entity
@Table(name = "reconcile_run")
public class ReconcileRun {

    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String FAILED = "failed";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String period;

    @Column(name = "acct_id")
    private String acctId;

    @Column(name = "run_trigger")
    private String trigger;

    private String state;

    @Column(name = "running_key")
    private String runningKey;

    @Column(name = "started_at")
    private LocalDateTime startedAt;

    @Column(name = "heartbeat_at")
    private LocalDateTime heartbeatAt;

    @Column(name = "ended_at")
    private LocalDateTime endedAt;

    @Column(name = "stripe_pages_done")
    private long stripePagesDone;

    @Column(name = "stripe_cursor")
    private String stripeCursor;

    @Column(name = "accounts_checked")
    private long accountsChecked;

    @Column(name = "invoices_checked")
    private long invoicesChecked;

    @Column(name = "drift_count")
    private long driftCount;

    @Column(name = "rounding_count")
    private long roundingCount;

    @Column(name = "stripe_calls")
    private long stripeCalls;

    @Column(name = "stripe_pages_needed")
    private long stripePagesNeeded;

    @Column(name = "legacy_checked")
    private short legacyChecked;

    private String failure;

    @Column(name = "batch_execution_id")
    private Long batchExecutionId;

    protected ReconcileRun() {
    }

    public ReconcileRun(String period, String acctId, String trigger, LocalDateTime now) {
        this.period = period;
        this.acctId = acctId;
        this.trigger = trigger;
        this.state = RUNNING;
        this.runningKey = runningKey(period, acctId);
        this.startedAt = now;
        this.heartbeatAt = now;
    }

    /** One check at a time per period and account (or the whole period). */
    public static String runningKey(String period, String acctId) {
        return period + "/" + (acctId == null ? "*" : acctId);
    }

    public void progress(long pagesDone, String cursor, long invoices, long calls, long pagesNeeded, LocalDateTime now) {
        this.stripePagesDone = pagesDone;
        this.stripeCursor = cursor;
        this.invoicesChecked = invoices;
        this.stripeCalls = calls;
        this.stripePagesNeeded = pagesNeeded;
        this.heartbeatAt = now;
    }

    public void finished(ReconciliationReport report, LocalDateTime now) {
        this.state = DONE;
        this.runningKey = null;
        this.endedAt = now;
        this.heartbeatAt = now;
        this.accountsChecked = report.accountsChecked();
        this.invoicesChecked = report.invoicesChecked();
        this.driftCount = report.driftCount();
        this.roundingCount = report.roundingCount();
        this.stripeCalls = report.stripeCalls();
        this.stripePagesNeeded = report.stripePagesNeeded();
        this.legacyChecked = (short) (report.legacyChecked() ? 1 : 0);
    }

    public void failed(String why, LocalDateTime now) {
        this.state = FAILED;
        this.runningKey = null;
        this.endedAt = now;
        this.heartbeatAt = now;
        this.failure = why;
    }

    /** The batch job execution working this run now (a restart after a crash is a new execution). */
    public void executedBy(long executionId, LocalDateTime now) {
        this.batchExecutionId = executionId;
        this.heartbeatAt = now;
    }

    public Long batchExecutionId() { return batchExecutionId; }
    public Long id() { return id; }
    public String period() { return period; }
    public String acctId() { return acctId; }
    public String trigger() { return trigger; }
    public String state() { return state; }
    public LocalDateTime startedAt() { return startedAt; }
    public LocalDateTime heartbeatAt() { return heartbeatAt; }
    public LocalDateTime endedAt() { return endedAt; }
    public long stripePagesDone() { return stripePagesDone; }
    public String stripeCursor() { return stripeCursor; }
    public long accountsChecked() { return accountsChecked; }
    public long invoicesChecked() { return invoicesChecked; }
    public long driftCount() { return driftCount; }
    public long roundingCount() { return roundingCount; }
    public long stripeCalls() { return stripeCalls; }
    public long stripePagesNeeded() { return stripePagesNeeded; }
    public boolean legacyChecked() { return legacyChecked != 0; }
    public String failure() { return failure; }
}
