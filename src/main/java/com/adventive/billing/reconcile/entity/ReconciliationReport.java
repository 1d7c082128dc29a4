package com.adventive.billing.reconcile.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.util.List;

/**
 * {"status":"clean"|"drift","accounts_checked":N,"drift_count":M} (+ drifts with detail).
 * {@code drift_count} counts drifts, not {@code rounding} notes: a difference under one minor unit is
 * reported (and flagged when it repeats for an account) but is not drift.
 */
@JsonbPropertyOrder({"status", "accountsChecked", "invoicesChecked", "driftCount", "roundingCount", "period",
        "account", "runId", "stripeCalls", "stripePagesNeeded", "legacyChecked", "drifts"})
public record ReconciliationReport(String status, long accountsChecked, long invoicesChecked, long driftCount,
                                   long roundingCount, String period, String account, Long runId, long stripeCalls,
                                   long stripePagesNeeded, boolean legacyChecked, List<Drift> drifts) {

    public static final String ROUNDING = "rounding";

    public static ReconciliationReport of(long accounts, long invoices, List<Drift> drifts) {
        return of(accounts, invoices, drifts, null, null, null, 0, 0, false);
    }

    public static ReconciliationReport of(long accounts, long invoices, List<Drift> drifts, String period, String account,
                                          Long runId, long stripeCalls, long pagesNeeded, boolean legacyChecked) {
        long counted = drifts.stream().filter(Drift::counted).count();
        return new ReconciliationReport(counted == 0 ? "clean" : "drift", accounts, invoices, counted,
                drifts.size() - counted, period, account, runId, stripeCalls, pagesNeeded, legacyChecked, drifts);
    }

    public ReconciliationReport withoutDetail() {
        return new ReconciliationReport(status, accountsChecked, invoicesChecked, driftCount, roundingCount, period,
                account, runId, stripeCalls, stripePagesNeeded, legacyChecked, null);
    }

    /**
     * One thing that does not add up. Amounts are in the currency's minor unit: {@code expected} from
     * the worker's records (or the legacy system), {@code actual} what Stripe billed, {@code delta} =
     * actual − expected. {@code expected_exact} keeps a fraction of a minor unit (tiers with
     * unit_amount_decimal). {@code next_step} is the runbook's step; {@code fix} the exact call that
     * repairs it, when there is one.
     */
    @JsonbPropertyOrder({"kind", "acctId", "period", "invoiceId", "metric", "currency", "expected", "actual", "delta",
            "expectedExact", "detail", "nextStep", "fix", "repeated"})
    public record Drift(String kind, String invoiceId, String acctId, String detail, String period, String metric,
                        String currency, Long expected, Long actual, Long delta, String expectedExact, String nextStep,
                        String fix, Boolean repeated) {

        /** A delivery drift: nothing to count in money. */
        public Drift(String kind, String invoiceId, String acctId, String detail) {
            this(kind, invoiceId, acctId, detail, null, null, null, null, null, null, null, detail, null, null);
        }

        public boolean counted() {
            return !ROUNDING.equals(kind);
        }

        public Drift withExact(java.math.BigDecimal exact) {
            return new Drift(kind, invoiceId, acctId, detail, period, metric, currency, expected, actual, delta,
                    exact.toPlainString(), nextStep, fix, repeated);
        }

        public Drift repeatedRounding() {
            return new Drift(kind, invoiceId, acctId, detail, period, metric, currency, expected, actual, delta,
                    expectedExact, "rounding differs again for this account: if systematic, fix rounding "
                    + "(compare the Stripe Price's unit_amount_decimal with the tiers the worker expects)", fix, true);
        }
    }
}
