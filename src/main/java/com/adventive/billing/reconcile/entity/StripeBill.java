package com.adventive.billing.reconcile.entity;

import java.util.List;

/**
 * What one Stripe invoice billed, reduced to what reconciliation compares. Amounts in the
 * currency's minor unit. {@code acctId} is the account the worker resolved for the customer (null
 * when the worker does not know it).
 */
public record StripeBill(String invoiceId, String customerId, String acctId, String period, String currency,
                         String status, long total, long amountDue, long creditNotesAmount, List<Line> lines) {

    /**
     * One invoice line. {@code metric} is the usage metric a metered price counts (null for a
     * licensed line: a plan fee, a one-off invoice item); {@code tiers} the price as Stripe has it.
     */
    public record Line(String lineId, String priceId, String metric, long quantity, long amount, PriceTiers tiers,
                       boolean invoiceItem) {
    }
}
