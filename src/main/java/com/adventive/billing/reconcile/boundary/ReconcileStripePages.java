package com.adventive.billing.reconcile.boundary;

import com.adventive.billing.platform.control.StripeGateway;
import com.adventive.billing.reconcile.control.Reconciliation;
import com.adventive.billing.reconcile.control.StripeInvoiceListing;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.api.chunk.AbstractItemReader;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import java.io.Serializable;

/**
 * Step 1's reader: one item per page of the period's Stripe invoices. Its checkpoint is the id of
 * the last invoice of the last page staged; a restarted run goes on from there.
 */
@Dependent
@Named("reconcileStripePages")
public class ReconcileStripePages extends AbstractItemReader {

    @Inject
    @BatchProperty
    String runId;

    @Inject
    @BatchProperty
    String period;

    @Inject
    Reconciliation reconciliation;

    private String cursor;
    private boolean done;

    @Override
    public void open(Serializable checkpoint) {
        cursor = (String) checkpoint;
        done = !reconciliation.stripeConfigured();
    }

    @Override
    public Object readItem() throws Exception {
        if (done) {
            return null;
        }
        StripeGateway.InvoicePage page = reconciliation.readPage(Long.parseLong(runId), period, cursor);
        if (page.lastId() != null) {
            cursor = page.lastId();
        }
        done = !page.hasMore() || page.lastId() == null;
        return page;
    }

    @Override
    public Serializable checkpointInfo() {
        return cursor;
    }

    /** The item count of the listing; reading page by page is what {@link StripeInvoiceListing} counts. */
    static final long PAGE_SIZE = StripeInvoiceListing.PAGE_SIZE;
}
