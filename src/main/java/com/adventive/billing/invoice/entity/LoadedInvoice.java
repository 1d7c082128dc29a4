package com.adventive.billing.invoice.entity;

import com.stripe.model.Invoice;
import com.stripe.model.InvoiceLineItem;
import com.stripe.model.Price;

import java.util.List;
import java.util.Map;

/** A finalized invoice with every line and the tiered prices its metered lines need. */
public record LoadedInvoice(Invoice invoice, List<InvoiceLineItem> lines, Map<String, Price> tieredPrices,
                            boolean fetchedFromStripe) {
}
