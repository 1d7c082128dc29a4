package com.adventive.billing.reconcile.boundary;

import jakarta.ejb.Schedule;
import jakarta.ejb.Schedules;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daily reconciliation's timer: once a day at 06:00:00 UTC, every day of every month, and
 * persistent, so a firing missed while the server was down runs at the next start and instances
 * sharing a database run it once. That it fires is ReconciliationTimerIT's part.
 */
class DailyReconciliationTest {

    @Test
    void itIsScheduledOnceADayAtSixUtcAndPersistent() throws NoSuchMethodException {
        Method daily = DailyReconciliation.class.getDeclaredMethod("daily");
        assertNull(daily.getAnnotation(Schedules.class), "one schedule, not several");
        Schedule schedule = daily.getAnnotation(Schedule.class);
        List<String> fields = List.of(schedule.second(), schedule.minute(), schedule.hour(), schedule.dayOfMonth(),
                schedule.month(), schedule.dayOfWeek(), schedule.year(), schedule.timezone());
        assertEquals(List.of("0", "0", "6", "*", "*", "*", "*", "UTC"), fields,
                "second, minute, hour, day of month, month, day of week, year, time zone");
        assertTrue(schedule.persistent(), "persistent: kept in the database, run once across instances, caught up after downtime");
    }

    @Test
    void theOnlyScheduledMethodIsTheDailyRun() {
        List<String> scheduled = Arrays.stream(DailyReconciliation.class.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(Schedule.class) || m.isAnnotationPresent(Schedules.class))
                .map(Method::getName).toList();
        assertEquals(List.of("daily"), scheduled);
    }
}
