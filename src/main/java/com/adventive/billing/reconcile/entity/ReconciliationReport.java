package com.adventive.billing.reconcile.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.util.List;

/** {"status":"clean"|"drift","accounts_checked":N,"drift_count":M} (+ drifts with detail). */
@JsonbPropertyOrder({"status", "accountsChecked", "invoicesChecked", "driftCount", "drifts"})
public record ReconciliationReport(String status, long accountsChecked, long invoicesChecked, long driftCount,
                                   List<Drift> drifts) {

    public static ReconciliationReport of(long accounts, long invoices, List<Drift> drifts) {
        return new ReconciliationReport(drifts.isEmpty() ? "clean" : "drift", accounts, invoices, drifts.size(), drifts);
    }

    public ReconciliationReport withoutDetail() {
        return new ReconciliationReport(status, accountsChecked, invoicesChecked, driftCount, null);
    }

    /** One thing the ledger says should have happened and did not. */
    public record Drift(String kind, String invoiceId, String acctId, String detail) {
    }
}
