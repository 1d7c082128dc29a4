package com.adventive.billing.reconcile.boundary;

import com.adventive.billing.reconcile.control.Reconciliation;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.api.BatchProperty;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** Step 2: compares the staged Stripe side with the worker's records and the legacy system, stores the drifts. */
@Dependent
@Named("reconcileCompare")
public class ReconcileCompare extends AbstractBatchlet {

    @Inject
    @BatchProperty
    String runId;

    @Inject
    Reconciliation reconciliation;

    @Override
    public String process() {
        reconciliation.compareStaged(Long.parseLong(runId));
        return "COMPLETED";
    }
}
