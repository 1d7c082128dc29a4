package com.adventive.billing.reconcile.entity;

import java.util.List;
import java.util.Map;

/**
 * What the worker's own records say about one account for one period: who bills it, the usage it
 * recorded per metric, the credit notes it recorded per Stripe invoice, and managed-service jobs
 * (when that ledger exists).
 */
public record WorkerBook(String acctId, String billedBy, String stripeCustomerId,
                         Map<String, List<Usage>> usageByMetric, Map<String, Long> creditNotesByInvoice,
                         List<ManagedJob> managedJobs) {

    public record Usage(long recordId, String sourceId, long quantity, String state, String occurredAt) {
    }

    /** A managed-service job billed as a one-off invoice item, amount in minor units. */
    public record ManagedJob(String jobId, long amount, String currency) {
    }

    public long quantity(String metric) {
        return usageByMetric.getOrDefault(metric, List.of()).stream().mapToLong(Usage::quantity).sum();
    }

    public boolean hasUsage() {
        return usageByMetric.values().stream().flatMap(List::stream).anyMatch(u -> u.quantity() > 0);
    }
}
