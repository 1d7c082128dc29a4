package com.adventive.billing.platform.control;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Time is a counter the test moves and the "background" runs when the test says: nothing depends on the wall clock. */
class CachedCheckTest {

    private static final Duration MAX_AGE = Duration.ofSeconds(5);
    private static final Duration HUNG = Duration.ofSeconds(5);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Queue<Runnable> background = new ArrayDeque<>();
    private final Executor manual = background::add;
    private final AtomicInteger checks = new AtomicInteger();
    private final AtomicBoolean answers = new AtomicBoolean(true);

    private CachedCheck check() {
        return new CachedCheck(() -> {
            checks.incrementAndGet();
            return answers.get();
        }, manual, MAX_AGE, Duration.ZERO, HUNG, now::get);
    }

    private void advanceSeconds(long seconds) {
        now.addAndGet(Duration.ofSeconds(seconds).toNanos());
    }

    private void runBackground() {
        while (!background.isEmpty()) {
            background.poll().run();
        }
    }

    @Test
    void probesWithinTheMaxAgeReuseOneReading() {
        CachedCheck check = check();
        assertEquals(CachedCheck.State.UNKNOWN, check.state(), "nothing known before the first check ran");
        runBackground();
        for (int i = 0; i < 10; i++) {
            assertEquals(CachedCheck.State.UP, check.state());
            advanceSeconds(0);
        }
        advanceSeconds(4);
        assertEquals(CachedCheck.State.UP, check.state());
        assertEquals(1, checks.get(), "one connection to the dependency for all those probes");
    }

    @Test
    void aStaleReadingIsRefreshedOnceEvenWhenManyProbesAsk() {
        CachedCheck check = check();
        check.state();
        runBackground();
        answers.set(false);
        advanceSeconds(6);
        for (int i = 0; i < 5; i++) {
            assertEquals(CachedCheck.State.UP, check.state(), "the last reading while the refresh runs");
        }
        assertEquals(1, background.size(), "a single refresh in flight");
        runBackground();
        assertEquals(CachedCheck.State.DOWN, check.state());
        assertEquals(2, checks.get());
    }

    @Test
    void aCheckThatHangsIsReportedDownWithoutTheProbeWaitingForIt() {
        CachedCheck check = check();
        check.state();
        runBackground();
        advanceSeconds(6);
        assertEquals(CachedCheck.State.UP, check.state(), "refresh just started");
        advanceSeconds(5);
        assertEquals(CachedCheck.State.DOWN, check.state(), "still no answer after the hung limit");
    }

    @Test
    void aCheckThatThrowsIsDown() {
        CachedCheck check = new CachedCheck(() -> {
            throw new IllegalStateException("bucket refused");
        }, manual, MAX_AGE, Duration.ZERO, HUNG, now::get);
        check.state();
        runBackground();
        assertEquals(CachedCheck.State.DOWN, check.state());
    }
}
