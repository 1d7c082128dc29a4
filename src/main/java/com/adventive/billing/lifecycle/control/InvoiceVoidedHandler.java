package com.adventive.billing.lifecycle.control;

import jakarta.enterprise.context.ApplicationScoped;

/** invoice.voided: the invoice was voided; it is owed no more. */
@ApplicationScoped
public class InvoiceVoidedHandler extends InvoiceLifecycleHandler {

    @Override
    public String kind() {
        return "invoice.voided";
    }
}
