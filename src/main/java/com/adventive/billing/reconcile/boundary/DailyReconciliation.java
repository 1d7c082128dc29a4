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
 * <p>The timer is created here, not declared with {@code @Schedule}: Liberty creates automatic
 * persistent timers while the module starts and fails the whole application when the database is
 * down at that moment, and the worker must come up without its database (readiness says not ready)
 * and recover on its own. So the timers are set up at start, and while the database is away a
 * non-persistent retry sets them up when it is back.
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
    static final String DAILY_INFO = "daily-reconciliation";
    static final String CONFIGURED_INFO = "reconcile-schedule:";
    static final String SET_UP_INFO = "reconcile-timers-set-up";
    static final Duration SET_UP_RETRY = Duration.ofSeconds(15);

    @Inject
    Reconciliation reconciliation;

    @Inject
    OperationalLog operationalLog;

    @Inject
    Settings settings;

    @Resource
    TimerService timers;

    /** 06:00:00 UTC, every day. */
    static ScheduleExpression dailySchedule() {
        return new ScheduleExpression().second("0").minute("0").hour("6")
                .dayOfMonth("*").month("*").dayOfWeek("*").year("*").timezone("UTC");
    }

    /** Persistent: kept in the database, run once across instances, caught up after downtime. */
    static TimerConfig dailyTimerConfig() {
        return new TimerConfig(DAILY_INFO, true);
    }

    @PostConstruct
    void atStart() {
        setUpTimers();
    }

    @Timeout
    void fired(Timer timer) {
        if (SET_UP_INFO.equals(timer.getInfo())) {
            setUpTimers();
            return;
        }
        reconcileLastClosedPeriod();
    }

    /** The persistent timers live in the database: when it is away, try again shortly (a non-persistent timer needs none). */
    void setUpTimers() {
        try {
            ensureDailyTimer();
            scheduleFromConfiguration();
        } catch (RuntimeException e) {
            LOG.warning("reconciliation timers not set up yet (the database may be away), next try in "
                    + SET_UP_RETRY.toSeconds() + " s: " + e);
            timers.createSingleActionTimer(SET_UP_RETRY.toMillis(), new TimerConfig(SET_UP_INFO, false));
            return;
        }
        try {
            reconciliation.resumeInterrupted();
        } catch (RuntimeException e) {
            // the schema may not be migrated yet on a fresh database; the next request or firing resumes it
            LOG.log(Level.INFO, "interrupted reconciliation runs not resumed at start: " + e);
        }
    }

    private void ensureDailyTimer() {
        for (Timer timer : timers.getTimers()) {
            if (DAILY_INFO.equals(timer.getInfo())) {
                LOG.info("daily reconciliation timer present (persistent, 06:00 UTC), next " + timer.getNextTimeout());
                return;
            }
        }
        Timer created = timers.createCalendarTimer(dailySchedule(), dailyTimerConfig());
        LOG.info("daily reconciliation timer created (persistent, 06:00 UTC), next " + created.getNextTimeout());
    }

    /** Database failures leave as exceptions (set up again later); a malformed schedule is logged and skipped. */
    void scheduleFromConfiguration() {
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
        if (wanted == null || present) {
            return;
        }
        String[] fields = schedule.get().trim().split("\\s+");
        if (fields.length != 3) {
            LOG.warning("RECONCILE_SCHEDULE must be 'seconds minutes hours', got '" + schedule.get()
                    + "'; the daily 06:00 UTC run stays");
            return;
        }
        ScheduleExpression expression = new ScheduleExpression().second(fields[0]).minute(fields[1])
                .hour(fields[2]).timezone("UTC");
        try {
            timers.createCalendarTimer(expression, new TimerConfig(wanted, true));
        } catch (IllegalArgumentException e) {
            LOG.warning("RECONCILE_SCHEDULE '" + schedule.get() + "' is not a schedule (" + e.getMessage()
                    + "); the daily 06:00 UTC run stays");
            return;
        }
        LOG.info("reconciliation also runs on the configured schedule " + schedule.get() + " (UTC)");
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
