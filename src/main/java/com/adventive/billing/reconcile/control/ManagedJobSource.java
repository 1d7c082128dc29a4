package com.adventive.billing.reconcile.control;

import com.adventive.billing.reconcile.entity.WorkerBook.ManagedJob;

import java.util.List;
import java.util.Map;

/**
 * The hook for managed-service jobs (billed as one-off invoice items). The managed-jobs ledger is
 * being built in its own capability; when it lands, it provides one bean implementing this and the
 * reconciliation compares its jobs with each invoice's invoice-item lines. Until then there is no
 * implementation and jobs are not compared.
 */
public interface ManagedJobSource {

    /** The period's jobs per account (only {@code account}'s when it is not null). */
    Map<String, List<ManagedJob>> jobs(String period, String account);
}
