package com.adventive.billing.invoice.control;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Latches, not sleeps: the tests decide when renders finish, so nothing depends on timing. */
class RenderPermitsTest {

    private static final Duration LONG_ENOUGH = Duration.ofSeconds(30);

    @Test
    void queueAndOperatorRendersTogetherNeverExceedTheCap() throws Exception {
        RenderPermits permits = new RenderPermits(2);
        AtomicInteger rendering = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Runnable render = () -> {
            peak.accumulateAndGet(rendering.incrementAndGet(), Math::max);
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            rendering.decrementAndGet();
        };
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                all.add(threads.submit(() -> permits.render(() -> {
                    render.run();
                    return null;
                })));
                all.add(threads.submit(() -> permits.holding(LONG_ENOUGH, () -> permits.render(() -> {
                    render.run();
                    return null;
                }))));
            }
            while (rendering.get() < 2) {
                Thread.onSpinWait();
            }
            release.countDown();
            for (Future<?> f : all) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(2, peak.get(), "two at once, never more");
    }

    @Test
    void anOperatorWhoseWaitExpiresIsRefusedAndThePermitsAreUntouched() throws Exception {
        RenderPermits permits = new RenderPermits(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<?> queueRender = thread.submit(() -> permits.render(() -> {
                started.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            assertTrue(started.await(30, TimeUnit.SECONDS));
            AtomicInteger ran = new AtomicInteger();
            RenderPermits.BusyException busy = assertThrows(RenderPermits.BusyException.class,
                    () -> permits.holding(Duration.ZERO, ran::incrementAndGet));
            assertEquals(0, ran.get(), "nothing ran without a permit");
            assertTrue(busy.retryAfterSeconds() >= 1);
            release.countDown();
            queueRender.get(30, TimeUnit.SECONDS);
        } finally {
            thread.shutdownNow();
        }
        assertEquals(7, permits.holding(Duration.ZERO, () -> 7), "the permit came back after the render");
    }

    @Test
    void aThreadHoldingAPermitRendersWithoutTakingASecondOne() throws Exception {
        RenderPermits permits = new RenderPermits(1);
        String rendered = permits.holding(Duration.ZERO, () -> permits.render(() -> "pdf"));
        assertEquals("pdf", rendered, "would deadlock on a single permit if it took a second one");
        assertEquals("again", permits.render(() -> "again"));
    }

    @Test
    void aFailedRenderGivesItsPermitBack() throws Exception {
        RenderPermits permits = new RenderPermits(1);
        assertThrows(IllegalStateException.class, () -> permits.render(() -> {
            throw new IllegalStateException("template broke");
        }));
        assertThrows(IllegalStateException.class, () -> permits.holding(Duration.ZERO, () -> {
            throw new IllegalStateException("bucket refused");
        }));
        assertFalse(permits.holding(Duration.ZERO, () -> false));
    }
}
