package com.adventive.billing.reconcile.control;

import com.adventive.billing.reconcile.entity.WorkerBook.ManagedJob;

import java.util.List;
import java.util.Map;

/**
 * Where reconciliation reads the managed-service jobs (billed as one-off invoice items) that it
 * compares with each invoice's invoice-item lines; {@link LedgerManagedJobs} reads the usage
 * capability's job ledger.
 */
public interface ManagedJobSource {

    /** The period's jobs per account (only {@code account}'s when it is not null). */
    Map<String, List<ManagedJob>> jobs(String period, String account);
}
