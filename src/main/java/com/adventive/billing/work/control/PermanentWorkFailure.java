package com.adventive.billing.work.control;

/** A failure that retrying cannot fix (e.g. account_unresolved); the item goes straight to failed. */
public class PermanentWorkFailure extends Exception {

    private final String reason;

    public PermanentWorkFailure(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
