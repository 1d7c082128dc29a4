package com.adventive.billing.webhook.control;

import java.util.Set;

/** The event types that create work. Every other type is stored as ignored and answered 200. */
public final class HandledEventTypes {

    public static final String INVOICE_FINALIZED = "invoice.finalized";

    private static final Set<String> HANDLED = Set.of(INVOICE_FINALIZED);

    private HandledEventTypes() {
    }

    public static boolean handles(String type) {
        return HANDLED.contains(type);
    }
}
