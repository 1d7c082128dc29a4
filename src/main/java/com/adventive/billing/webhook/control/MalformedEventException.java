package com.adventive.billing.webhook.control;

import com.adventive.billing.platform.control.BillingProblem;

/** The body is not a usable Stripe event: answered 400 event_malformed, nothing stored. The message is safe to return. */
public class MalformedEventException extends BillingProblem {
    public MalformedEventException(String message) {
        super(400, "event_malformed", message);
    }
}
