package com.adventive.billing.reconcile.boundary;

import com.adventive.billing.platform.control.StripeGateway;
import com.adventive.billing.reconcile.control.Reconciliation;
import com.adventive.billing.reconcile.control.StripeBills;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.api.chunk.AbstractItemWriter;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import java.util.List;

/** Step 1's writer: stages a page's invoices of the period (idempotently: a replayed page changes nothing). */
@Dependent
@Named("reconcileStaging")
public class ReconcileStaging extends AbstractItemWriter {

    @Inject
    @BatchProperty
    String runId;

    @Inject
    @BatchProperty
    String period;

    @Inject
    @BatchProperty
    String account;

    @Inject
    Reconciliation reconciliation;

    /** Prices fetched in this step: once per run (again after a restart). */
    private final StripeBills.PriceCache prices = new StripeBills.PriceCache();

    @Override
    public void writeItems(List<Object> items) throws Exception {
        for (Object item : items) {
            reconciliation.stagePage(Long.parseLong(runId), period, blankToNull(account),
                    (StripeGateway.InvoicePage) item, prices);
        }
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
