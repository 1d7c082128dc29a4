package com.adventive.billing.reconcile.entity;

import java.util.List;
import java.util.Map;

/** The legacy system's view of one period: its invoices, and each account's usage price per metric. */
public record LegacyBilling(Map<String, List<Invoice>> invoicesByAccount,
                           Map<String, Map<String, PriceTiers>> tiersByAccountAndMetric, boolean available) {

    public static LegacyBilling unavailable() {
        return new LegacyBilling(Map.of(), Map.of(), false);
    }

    public record Invoice(String acctId, String period, long amount, String currency, String invoiceRef) {
    }
}
