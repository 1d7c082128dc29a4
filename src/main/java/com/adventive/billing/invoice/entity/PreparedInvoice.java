package com.adventive.billing.invoice.entity;

import com.adventive.billing.platform.entity.OperationalContext;
import com.stripe.model.Invoice;

/** An invoice ready to render and send: its account resolved, its ledger row and template view built. */
public record PreparedInvoice(Invoice invoice, BillingInvoice row, InvoiceView view, OperationalContext op) {
}
