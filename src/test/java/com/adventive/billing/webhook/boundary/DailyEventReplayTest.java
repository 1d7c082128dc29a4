package com.adventive.billing.webhook.boundary;

import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.platform.control.StripeGateway;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.webhook.control.EventReplay;
import com.adventive.billing.work.boundary.WorkQueueSender;
import jakarta.ejb.Schedule;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daily catch-up on undelivered Stripe events: once a day, before the 06:00 reconciliation, over
 * the 30 days Stripe keeps; the new work is woken and the outcome is one operational event.
 */
class DailyEventReplayTest {

    @Test
    void itRunsDailyAtHalfPastFiveUtcBeforeTheReconciliation() throws NoSuchMethodException {
        Schedule schedule = DailyEventReplay.class.getDeclaredMethod("daily").getAnnotation(Schedule.class);
        assertEquals(List.of("0", "30", "5", "*", "UTC"), List.of(schedule.second(), schedule.minute(), schedule.hour(),
                schedule.dayOfMonth(), schedule.timezone()));
        assertFalse(schedule.persistent(), "a missed run is not replayed in a burst; the next covers 30 days anyway");
    }

    @Test
    void aFiringAsksForTheLast30DaysWakesTheNewWorkAndRecordsTheCounts() {
        List<Instant> asked = new ArrayList<>();
        List<Long> woken = new ArrayList<>();
        List<String> recorded = new ArrayList<>();
        DailyEventReplay timer = timer(true, since -> {
            asked.add(since);
            return new EventReplay.Result(since, 5, 3, 2, 1, 0, List.of("evt_a", "evt_b"), List.of(41L));
        }, woken, recorded);
        Instant before = Instant.now();
        timer.daily();
        Duration back = Duration.between(asked.get(0), before);
        assertTrue(back.compareTo(Duration.ofDays(29)) > 0 && back.compareTo(Duration.ofDays(30)) <= 0, back.toString());
        assertEquals(List.of(41L), woken);
        assertEquals(List.of("events_replayed: listed=5 already_known=3 newly_stored=2 queued=1 new=evt_a,evt_b"), recorded);
    }

    @Test
    void aFailureIsRecordedAndWithoutAStripeKeyNothingRuns() {
        List<String> recorded = new ArrayList<>();
        timer(true, since -> {
            throw new IllegalStateException("Stripe answered 500");
        }, new ArrayList<>(), recorded).daily();
        assertEquals(List.of("events_replay_failed: IllegalStateException: Stripe answered 500"), recorded);

        List<String> none = new ArrayList<>();
        timer(false, since -> {
            throw new AssertionError("must not list events without a key");
        }, new ArrayList<>(), none).daily();
        assertEquals(List.of(), none);
    }

    private interface Replay {
        EventReplay.Result replay(Instant since);
    }

    private static DailyEventReplay timer(boolean configured, Replay replay, List<Long> woken, List<String> recorded) {
        DailyEventReplay timer = new DailyEventReplay();
        timer.replay = new EventReplay() {
            @Override
            public Result replay(Instant since) {
                return replay.replay(since);
            }
        };
        timer.stripe = new StripeGateway() {
            @Override
            public boolean isConfigured() {
                return configured;
            }
        };
        timer.workQueue = new WorkQueueSender() {
            @Override
            public boolean wakeNew(long workItemId) {
                woken.add(workItemId);
                return true;
            }
        };
        timer.operationalLog = new OperationalLog() {
            @Override
            public void record(OperationalContext context, String eventType, String detail) {
                recorded.add(eventType + ": " + detail);
            }
        };
        return timer;
    }
}
