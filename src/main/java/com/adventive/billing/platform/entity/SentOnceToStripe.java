package com.adventive.billing.platform.entity;

import jakarta.persistence.Column;
import jakarta.persistence.MappedSuperclass;

/**
 * A row written before the worker asks Stripe for something once (a meter event, an invoice item,
 * a credit note), and how far that request has come. Its state only moves forward; a refusal for
 * good is {@value #FAILED}, a send never confirmed within Stripe's idempotency window is
 * {@value #OUTCOME_UNKNOWN}, for an operator to settle. Each kind names its own other states.
 */
@MappedSuperclass
public abstract class SentOnceToStripe {

    public static final String FAILED = "failed";
    public static final String OUTCOME_UNKNOWN = "outcome_unknown";

    private String state;

    @Column(name = "send_attempts")
    private int sendAttempts;

    @Column(name = "last_error")
    private String lastError;

    protected SentOnceToStripe() {
    }

    protected SentOnceToStripe(String initialState) {
        this.state = initialState;
    }

    /** Moves to a state without touching the attempt's error (e.g. a ledger entry that is never sent). */
    protected void moveTo(String newState) {
        this.state = newState;
    }

    /** Stripe confirmed it: the state that says so, and no error left over from an earlier attempt. */
    protected void confirmed(String confirmedState) {
        this.state = confirmedState;
        this.lastError = null;
    }

    protected void countAttempt() {
        sendAttempts++;
    }

    /** An attempt failed in a way worth trying again; the state stays. */
    public void sendFailed(String error) {
        lastError = error;
    }

    public void failed(String error) {
        state = FAILED;
        lastError = error;
    }

    public void outcomeUnknown(String why) {
        state = OUTCOME_UNKNOWN;
        lastError = why;
    }

    public String state() { return state; }
    public int sendAttempts() { return sendAttempts; }
    public String lastError() { return lastError; }
}
