package com.adventive.billing.platform.entity;

import jakarta.persistence.MappedSuperclass;

import java.time.Duration;
import java.time.LocalDateTime;

/**
 * An operator's request that the worker asks Stripe for once (a credit note, a managed job's
 * invoice item): {@value #PENDING} until Stripe confirms it. Every kind decides the same way whether
 * a send may start and what a failed send leaves behind; each kind says only when Stripe's
 * idempotency window began and where an operator looks in Stripe when the outcome is in doubt.
 */
@MappedSuperclass
public abstract class RequestSentOnceToStripe extends SentOnceToStripe {

    /** Written down, not (yet) confirmed by Stripe: the only state a send starts from. */
    public static final String PENDING = "pending";

    protected RequestSentOnceToStripe() {
    }

    protected RequestSentOnceToStripe(String initialState) {
        super(initialState);
    }

    /** When Stripe's idempotency window for this request began; null while no send has started. */
    protected abstract LocalDateTime idempotencyWindowStart();

    /** A send is about to start (count it, keep its start where the kind keeps one). */
    protected abstract void sendStarting(LocalDateTime now);

    /** How the request came to be in doubt, e.g. "requested at … UTC and never confirmed". */
    protected abstract String neverConfirmed();

    /** What an operator looks for in Stripe before asking again. */
    protected abstract String whereToLook();

    /**
     * Whether the caller (holding the row lock) sends now. A request no longer pending is settled; a
     * pending one whose window began longer ago than {@code resendWindow} goes in doubt, because a
     * second send could create a second object in Stripe; otherwise the send is recorded as started.
     */
    public boolean startSend(LocalDateTime now, Duration resendWindow) {
        if (!PENDING.equals(state())) {
            return false;
        }
        LocalDateTime windowStart = idempotencyWindowStart();
        if (windowStart != null && windowStart.plus(resendWindow).isBefore(now)) {
            outcomeUnknown(neverConfirmed() + " (" + Texts.truncate(String.valueOf(lastError()), 500)
                    + "); Stripe no longer deduplicates its idempotency key. " + whereToLook());
            return false;
        }
        sendStarting(now);
        return true;
    }

    /** A send failed: for good when Stripe refused it, else kept pending for the next attempt. Settled requests stay. */
    public void sendFailed(String error, boolean refused) {
        if (!PENDING.equals(state())) {
            return;
        }
        if (refused) {
            failed(Texts.truncate(error, 2000));
        } else {
            sendFailed(Texts.truncate(error, 2000));
        }
    }
}
