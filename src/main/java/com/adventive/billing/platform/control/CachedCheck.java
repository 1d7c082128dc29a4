package com.adventive.billing.platform.control;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * A dependency check for health probes that costs a probe almost nothing: the answer is reused for
 * {@code maxAge}, refreshed on a background thread, and a probe waits at most {@code maxWait} for a
 * refresh. A dependency that hangs (an R2 endpoint black-holing connections, an SMTP relay that never
 * greets) therefore cannot make the health endpoint slow; once a check has run longer than
 * {@code hungAfter} the dependency is reported down.
 */
public final class CachedCheck {

    public enum State {
        UP, DOWN, UNKNOWN;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private record Reading(State state, long atNanos) {
    }

    private record Refresh(CompletableFuture<State> result, long startedNanos) {
    }

    private final BooleanSupplier check;
    private final Executor executor;
    private final Duration maxAge;
    private final Duration maxWait;
    private final Duration hungAfter;
    private final LongSupplier nanoTime;
    private final AtomicReference<Reading> last = new AtomicReference<>();
    private final AtomicReference<Refresh> inFlight = new AtomicReference<>();

    /** @param check true when the dependency answers; false or an exception when it does not */
    public CachedCheck(BooleanSupplier check, Executor executor, Duration maxAge, Duration maxWait, Duration hungAfter) {
        this(check, executor, maxAge, maxWait, hungAfter, System::nanoTime);
    }

    CachedCheck(BooleanSupplier check, Executor executor, Duration maxAge, Duration maxWait, Duration hungAfter,
                LongSupplier nanoTime) {
        this.check = check;
        this.executor = executor;
        this.maxAge = maxAge;
        this.maxWait = maxWait;
        this.hungAfter = hungAfter;
        this.nanoTime = nanoTime;
    }

    /** The dependency's state as of at most {@code maxAge} ago, or as far as a refresh got within {@code maxWait}. */
    public State state() {
        long now = nanoTime.getAsLong();
        Reading reading = last.get();
        if (reading != null && now - reading.atNanos() < maxAge.toNanos()) {
            return reading.state();
        }
        Refresh refresh = refresh(now);
        try {
            return refresh.result().get(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException stillRunning) {
            if (nanoTime.getAsLong() - refresh.startedNanos() >= hungAfter.toNanos()) {
                return State.DOWN;
            }
            return reading != null ? reading.state() : State.UNKNOWN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return reading != null ? reading.state() : State.UNKNOWN;
        } catch (ExecutionException e) {
            return State.DOWN;
        }
    }

    /** The refresh in flight, or a new one: never more than one check of a dependency at a time. */
    private Refresh refresh(long now) {
        while (true) {
            Refresh current = inFlight.get();
            if (current != null) {
                return current;
            }
            Refresh started = new Refresh(new CompletableFuture<>(), now);
            if (inFlight.compareAndSet(null, started)) {
                try {
                    executor.execute(() -> run(started));
                } catch (RuntimeException rejected) {
                    inFlight.set(null);
                    started.result().complete(State.UNKNOWN);
                }
                return started;
            }
        }
    }

    private void run(Refresh refresh) {
        State state = State.DOWN;
        try {
            state = check.getAsBoolean() ? State.UP : State.DOWN;
        } catch (RuntimeException e) {
            state = State.DOWN;
        } finally {
            last.set(new Reading(state, nanoTime.getAsLong()));
            inFlight.set(null);
            refresh.result().complete(state);
        }
    }
}
