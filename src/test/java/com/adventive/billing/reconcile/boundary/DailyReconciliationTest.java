package com.adventive.billing.reconcile.boundary;

import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.reconcile.control.DeliveryReconciliation;
import com.adventive.billing.reconcile.entity.ReconciliationReport;
import jakarta.ejb.Schedule;
import jakarta.ejb.Schedules;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The daily reconciliation's timer: once a day at 06:00:00 UTC, every day of every month, and what
 * one firing does (reconcile, then one operational event operators can alert on). That the server
 * registers the timer is DailyReconciliationTimerIT's part.
 */
class DailyReconciliationTest {

    @Test
    void itIsScheduledOnceADayAtSixUtc() throws NoSuchMethodException {
        Method daily = DailyReconciliation.class.getDeclaredMethod("daily");
        assertNull(daily.getAnnotation(Schedules.class), "one schedule, not several");
        Schedule schedule = daily.getAnnotation(Schedule.class);
        List<String> fields = List.of(schedule.second(), schedule.minute(), schedule.hour(), schedule.dayOfMonth(),
                schedule.month(), schedule.dayOfWeek(), schedule.year(), schedule.timezone());
        assertEquals(List.of("0", "0", "6", "*", "*", "*", "*", "UTC"), fields,
                "second, minute, hour, day of month, month, day of week, year, time zone");
        assertFalse(schedule.persistent(), "not persistent: missed runs are not replayed in a burst after downtime");
    }

    @Test
    void theOnlyScheduledMethodIsTheDailyRun() {
        List<String> scheduled = Arrays.stream(DailyReconciliation.class.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(Schedule.class) || m.isAnnotationPresent(Schedules.class))
                .map(Method::getName).toList();
        assertEquals(List.of("daily"), scheduled);
    }

    @Test
    void aFiringWithDriftRecordsReconciliationDriftWithItsFigures() {
        List<String> recorded = fire(ReconciliationReport.of(7, 12, List.of(
                new ReconciliationReport.Drift("email_not_sent", "in_1", "acct_1", "no email"),
                new ReconciliationReport.Drift("work_failed", "in_2", null, "failed"))));
        assertEquals(List.of("reconciliation_drift: accounts_checked=7 drift_count=2"), recorded);
    }

    @Test
    void aCleanFiringRecordsReconciliationClean() {
        List<String> recorded = fire(ReconciliationReport.of(3, 5, List.of()));
        assertEquals(List.of("reconciliation_clean: accounts_checked=3 drift_count=0"), recorded);
    }

    /** Calls the timeout method as the container does, with the reconciliation's report given. */
    private static List<String> fire(ReconciliationReport report) {
        List<String> recorded = new ArrayList<>();
        DailyReconciliation timer = new DailyReconciliation();
        timer.reconciliation = new DeliveryReconciliation() {
            @Override
            public ReconciliationReport run() {
                return report;
            }
        };
        timer.operationalLog = new OperationalLog() {
            @Override
            public void record(OperationalContext context, String eventType, String detail) {
                recorded.add(eventType + ": " + detail);
            }
        };
        timer.daily();
        return recorded;
    }
}
