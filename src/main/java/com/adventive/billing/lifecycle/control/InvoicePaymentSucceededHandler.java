package com.adventive.billing.lifecycle.control;

import jakarta.enterprise.context.ApplicationScoped;

/** invoice.payment_succeeded: a payment attempt succeeded; recorded as invoice.paid is. */
@ApplicationScoped
public class InvoicePaymentSucceededHandler extends InvoiceLifecycleHandler {

    @Override
    public String kind() {
        return "invoice.payment_succeeded";
    }
}
