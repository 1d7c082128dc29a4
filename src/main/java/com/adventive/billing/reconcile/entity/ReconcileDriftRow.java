package com.adventive.billing.reconcile.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A drift as stored with its run. */
@Entity
@Table(name = "reconcile_drift")
public class ReconcileDriftRow {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "run_id")
    private long runId;

    private String kind;

    @Column(name = "acct_id")
    private String acctId;

    private String period;

    @Column(name = "invoice_id")
    private String invoiceId;

    private String metric;

    private String currency;

    @Column(name = "expected_minor")
    private Long expected;

    @Column(name = "actual_minor")
    private Long actual;

    @Column(name = "delta_minor")
    private Long delta;

    @Column(name = "expected_exact")
    private String expectedExact;

    private String detail;

    @Column(name = "next_step")
    private String nextStep;

    private String fix;

    private short repeated;

    protected ReconcileDriftRow() {
    }

    public ReconcileDriftRow(long runId, ReconciliationReport.Drift drift) {
        this.runId = runId;
        this.kind = drift.kind();
        this.acctId = drift.acctId();
        this.period = drift.period();
        this.invoiceId = drift.invoiceId();
        this.metric = drift.metric();
        this.currency = drift.currency();
        this.expected = drift.expected();
        this.actual = drift.actual();
        this.delta = drift.delta();
        this.expectedExact = drift.expectedExact();
        this.detail = cut(drift.detail(), 2000);
        this.nextStep = cut(drift.nextStep(), 2000);
        this.fix = cut(drift.fix(), 4000);
        this.repeated = (short) (Boolean.TRUE.equals(drift.repeated()) ? 1 : 0);
    }

    private static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    public long runId() { return runId; }

    public ReconciliationReport.Drift drift() {
        return new ReconciliationReport.Drift(kind, invoiceId, acctId, detail, period, metric, currency, expected,
                actual, delta, expectedExact, nextStep, fix, repeated != 0 ? Boolean.TRUE : null);
    }
}
