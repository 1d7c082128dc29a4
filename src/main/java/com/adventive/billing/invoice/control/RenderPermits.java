package com.adventive.billing.invoice.control;

import com.adventive.billing.platform.control.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The render cap, shared by every caller: at most RENDER_CONCURRENCY PDFs render at once, whether
 * the queue's workers or operators ({@code POST /admin/render-pdf}, {@code /admin/resend-invoice})
 * asked for them. This is the only thing that bounds renders: the queue works up to WORK_CONCURRENCY
 * items at once (the activation spec in server.xml), and each holds a permit only while its PDF
 * renders, not while it loads the invoice, stores the PDF or waits on SMTP. The cap exists for CPU
 * and memory (a long invoice's render allocates tens of MB), which only the render itself needs.
 *
 * <p>Queue work waits for a permit (its items would otherwise just be retried). An operator's call
 * waits a bounded time ({@link #holding}) and is refused with {@link BusyException} when it expires.
 * A thread that holds a permit may render again without taking a second one.
 */
@ApplicationScoped
public class RenderPermits {


    @Inject
    Settings settings;

    private Semaphore permits;
    private int capacity;
    private final ThreadLocal<Boolean> holds = ThreadLocal.withInitial(() -> false);

    public RenderPermits() {
    }

    RenderPermits(int capacity) {
        size(capacity);
    }

    @PostConstruct
    void sizeFromSettings() {
        // read at start: a changed RENDER_CONCURRENCY applies from the next start, like every server-level setting
        size(settings.renderConcurrency());
    }

    private void size(int permitCount) {
        this.capacity = permitCount;
        this.permits = new Semaphore(permitCount, true);
    }

    public int capacity() {
        return capacity;
    }

    /** Renders under a permit, waiting as long as it takes (queue work); reentrant for a thread that holds one. */
    public <T> T render(Supplier<T> render) {
        if (holds.get()) {
            return render.get();
        }
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a render permit", e);
        }
        holds.set(true);
        try {
            return render.get();
        } finally {
            releaseHeld();
        }
    }

    /**
     * Runs {@code work} (which renders through {@link #render}) holding a permit taken within
     * {@code maxWait}; for callers that must not wait without bound, such as operators' HTTP calls.
     *
     * @throws BusyException when no permit came free in time
     */
    public <T> T holding(Duration maxWait, Callable<T> work) throws Exception {
        if (holds.get()) {
            return work.call();
        }
        boolean acquired;
        try {
            acquired = permits.tryAcquire(maxWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            throw new BusyException(capacity, maxWait);
        }
        holds.set(true);
        try {
            return work.call();
        } finally {
            releaseHeld();
        }
    }

    private void releaseHeld() {
        holds.remove();
        permits.release();
    }

    /** All render permits stayed taken for the whole wait. */
    public static final class BusyException extends RuntimeException {
        private final Duration waited;

        BusyException(int capacity, Duration waited) {
            super("all " + capacity + " render slots stayed busy for " + waited.toSeconds() + " s");
            this.waited = waited;
        }

        /** A fair guess at when to try again: as long as this call waited. */
        public long retryAfterSeconds() {
            return Math.max(1, waited.toSeconds());
        }
    }
}
