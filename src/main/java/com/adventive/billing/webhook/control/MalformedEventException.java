package com.adventive.billing.webhook.control;

/** The request body is not a usable Stripe event; the message is safe to return to the caller. */
public class MalformedEventException extends Exception {
    public MalformedEventException(String message) {
        super(message);
    }
}
