package com.adventive.billing.reconcile.boundary;

import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.reconcile.control.DeliveryReconciliation;
import com.adventive.billing.reconcile.entity.ReconciliationReport;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;

/** Every day at 06:00 UTC; the outcome is an operational event operators can alert on. */
@Singleton
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class DailyReconciliation {

    @Inject
    DeliveryReconciliation reconciliation;

    @Inject
    OperationalLog operationalLog;

    @Schedule(hour = "6", minute = "0", timezone = "UTC", persistent = false, info = "daily-reconciliation")
    void daily() {
        ReconciliationReport report = reconciliation.run();
        operationalLog.record(new OperationalContext(null, null, null, null),
                report.driftCount() == 0 ? "reconciliation_clean" : "reconciliation_drift",
                "accounts_checked=" + report.accountsChecked() + " drift_count=" + report.driftCount());
    }
}
