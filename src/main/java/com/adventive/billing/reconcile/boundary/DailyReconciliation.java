package com.adventive.billing.reconcile.boundary;

import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.platform.control.Settings;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.reconcile.control.Reconciliation;
import com.adventive.billing.reconcile.entity.ReconciliationReport;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ScheduleExpression;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every day at 06:00 UTC, the last closed period is reconciled. The timer is persistent: Liberty
 * keeps it in the worker's database (server.xml's persistentExecutor, with failover), so with
 * several instances on one database one of them runs it, and a run missed while every instance
 * was down runs once at the next start. Any drift raises {@code reconciliation_drift} (the
 * reconciliation does that); a clean run records {@code reconciliation_clean}.
 *
 * <p>{@code RECONCILE_SCHEDULE} (seconds minutes hours, e.g. {@code "*&#47;20 * *"}) adds a
 * persistent calendar timer with that schedule, for tests and for operators who want more frequent
 * runs; the daily 06:00 run stays.
 */
@Singleton
@Startup
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class DailyReconciliation {

    private static final Logger LOG = Logger.getLogger(DailyReconciliation.class.getName());
    static final String CONFIGURED_INFO = "reconcile-schedule:";

    @Inject
    Reconciliation reconciliation;

    @Inject
    OperationalLog operationalLog;

    @Inject
    Settings settings;

    @Resource
    TimerService timers;

    @Schedule(hour = "6", minute = "0", timezone = "UTC", persistent = true, info = "daily-reconciliation")
    void daily() {
        reconcileLastClosedPeriod();
    }

    /** The configured extra schedule's timer fires here. */
    @Timeout
    void configured(Timer timer) {
        reconcileLastClosedPeriod();
    }

    @PostConstruct
    void atStart() {
        scheduleFromConfiguration();
        try {
            reconciliation.resumeInterrupted();
        } catch (RuntimeException e) {
            // the schema may not be migrated yet on a fresh database; the next request or firing resumes it
            LOG.log(Level.INFO, "interrupted reconciliation runs not resumed at start: " + e);
        }
    }

    void scheduleFromConfiguration() {
        try {
            Optional<String> schedule = settings.optional(com.adventive.billing.platform.control.Settings.RECONCILE_SCHEDULE);
            String wanted = schedule.map(s -> CONFIGURED_INFO + s).orElse(null);
            boolean present = false;
            for (Timer timer : timers.getTimers()) {
                Object info = timer.getInfo();
                if (info instanceof String text && text.startsWith(CONFIGURED_INFO)) {
                    if (text.equals(wanted)) {
                        present = true;
                    } else {
                        timer.cancel();
                    }
                }
            }
            if (wanted != null && !present) {
                String[] fields = schedule.get().trim().split("\\s+");
                if (fields.length != 3) {
                    throw new IllegalArgumentException("RECONCILE_SCHEDULE must be 'seconds minutes hours', got '"
                            + schedule.get() + "'");
                }
                ScheduleExpression expression = new ScheduleExpression().second(fields[0]).minute(fields[1])
                        .hour(fields[2]).timezone("UTC");
                timers.createCalendarTimer(expression, new TimerConfig(wanted, true));
                LOG.info("reconciliation also runs on the configured schedule " + schedule.get() + " (UTC)");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "RECONCILE_SCHEDULE could not be applied; the daily 06:00 UTC run stays", e);
        }
    }

    void reconcileLastClosedPeriod() {
        try {
            reconciliation.resumeInterrupted();
            Reconciliation.Outcome outcome = reconciliation.runOrJoin(Reconciliation.lastClosedPeriod(), null,
                    Reconciliation.TRIGGER_SCHEDULE, Duration.ofMinutes(30));
            outcome.report().filter(r -> r.driftCount() == 0).ifPresent(this::recordClean);
        } catch (BillingProblem e) {
            // recorded as reconciliation_failed by the run; the next firing tries again
            LOG.log(Level.WARNING, "scheduled reconciliation failed: " + e.getMessage());
        }
    }

    private void recordClean(ReconciliationReport report) {
        operationalLog.record(new OperationalContext(null, null, null, null), "reconciliation_clean",
                "run=" + report.runId() + " period=" + report.period() + " accounts_checked=" + report.accountsChecked()
                        + " drift_count=0");
    }
}
