package com.adventive.billing.it.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that becomes true asynchronously (a queue worked off, a mail delivered).
 * The maximum is a generous safety net, not a performance assertion: tests pass as soon as the
 * condition holds and only fail if it never does.
 */
public final class Await {

    private static final long POLL_MILLIS = 200;

    private Await() {
    }

    public static void until(Duration max, BooleanSupplier condition, String description) {
        long deadline = System.nanoTime() + max.toNanos();
        RuntimeException lastFailure = null;
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
                lastFailure = null;
            } catch (RuntimeException e) {
                // A component that is briefly unavailable (restart in progress) is "not yet", not a failure.
                lastFailure = e;
            }
            if (System.nanoTime() >= deadline) {
                AssertionError error = new AssertionError("Timed out after " + max + " waiting for: " + description);
                if (lastFailure != null) {
                    error.initCause(lastFailure);
                }
                throw error;
            }
            sleep(POLL_MILLIS);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}
