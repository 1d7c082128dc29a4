package com.adventive.billing.lifecycle.control;

import jakarta.enterprise.context.ApplicationScoped;

/** invoice.paid: the invoice was paid (amount paid, when). */
@ApplicationScoped
public class InvoicePaidHandler extends InvoiceLifecycleHandler {

    @Override
    public String kind() {
        return "invoice.paid";
    }
}
