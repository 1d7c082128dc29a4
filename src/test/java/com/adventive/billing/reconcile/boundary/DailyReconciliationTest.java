package com.adventive.billing.reconcile.boundary;

import jakarta.ejb.Schedule;
import jakarta.ejb.ScheduleExpression;
import jakarta.ejb.Schedules;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daily reconciliation's timer: once a day at 06:00:00 UTC, every day of every month, and
 * persistent, so a firing missed while the server was down runs at the next start and instances
 * sharing a database run it once. That it is set up and fires is ReconciliationTimerIT's and
 * DailyReconciliationTimerIT's part.
 */
class DailyReconciliationTest {

    @Test
    void itIsScheduledOnceADayAtSixUtcAndPersistent() {
        ScheduleExpression schedule = DailyReconciliation.dailySchedule();
        List<String> fields = List.of(schedule.getSecond(), schedule.getMinute(), schedule.getHour(),
                schedule.getDayOfMonth(), schedule.getMonth(), schedule.getDayOfWeek(), schedule.getYear(),
                schedule.getTimezone());
        assertEquals(List.of("0", "0", "6", "*", "*", "*", "*", "UTC"), fields,
                "second, minute, hour, day of month, month, day of week, year, time zone");
        assertTrue(DailyReconciliation.dailyTimerConfig().isPersistent(),
                "persistent: kept in the database, run once across instances, caught up after downtime");
    }

    /** Every timer of one schedule firing for one slot names the same slot, so only one of them claims it. */
    @Test
    void twoTimersOfOneScheduleFiringForOneSlotHaveOneKey() {
        java.time.Instant next = java.time.Instant.parse("2026-11-26T06:00:00Z");
        assertEquals("daily-reconciliation@2026-11-26T06:00:00Z", DailyReconciliation.firingKey("daily-reconciliation", next));
        assertEquals(DailyReconciliation.firingKey("reconcile-schedule:*/20 * *", next),
                DailyReconciliation.firingKey("reconcile-schedule:*/20 * *", next));
        assertTrue(!DailyReconciliation.firingKey("daily-reconciliation", next)
                .equals(DailyReconciliation.firingKey("daily-reconciliation", next.plusSeconds(86_400))), "the next slot");
        assertTrue(DailyReconciliation.firingKey("reconcile-schedule:" + "0,".repeat(100) + "1 * *", next).length() <= 200,
                "fits reconcile_firing.firing_key");
    }

    /** Instances that find the same duplicates keep the same one (the lowest task id), so none cancels the last. */
    @Test
    void everyInstanceKeepsTheSameOneOfDuplicateTimers() {
        assertEquals(List.of(7, 9), DailyReconciliation.duplicates(List.of(9, 3, 7), Integer::intValue));
        assertEquals(List.of(7, 9), DailyReconciliation.duplicates(List.of(7, 9, 3), Integer::intValue));
        assertEquals(List.of(), DailyReconciliation.duplicates(List.of(3), Integer::intValue));
    }

    /**
     * Liberty creates automatic persistent timers while the module starts and fails the application
     * when the database is down then; the worker must start without it (DatabaseDownAtStartIT).
     */
    @Test
    void noAutomaticTimerThatWouldNeedTheDatabaseAtStart() {
        List<String> scheduled = Arrays.stream(DailyReconciliation.class.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(Schedule.class) || m.isAnnotationPresent(Schedules.class))
                .map(m -> m.getName()).toList();
        assertEquals(List.of(), scheduled);
    }
}
