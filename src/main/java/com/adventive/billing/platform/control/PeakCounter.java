package com.adventive.billing.platform.control;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** How many of something run right now, and the most that ever ran at once. */
public final class PeakCounter {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();

    public <T> T measure(Supplier<T> work) {
        enter();
        try {
            return work.get();
        } finally {
            exit();
        }
    }

    public void enter() {
        int now = inFlight.incrementAndGet();
        peak.accumulateAndGet(now, Math::max);
    }

    public void exit() {
        inFlight.decrementAndGet();
    }

    public int inFlight() {
        return inFlight.get();
    }

    public int peak() {
        return peak.get();
    }
}
