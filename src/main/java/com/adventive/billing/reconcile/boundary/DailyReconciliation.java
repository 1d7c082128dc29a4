package com.adventive.billing.reconcile.boundary;

import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.platform.control.Settings;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.reconcile.control.ReconcileFirings;
import com.adventive.billing.reconcile.control.Reconciliation;
import com.adventive.billing.reconcile.entity.ReconcileFiring;
import com.adventive.billing.reconcile.entity.ReconciliationReport;
import com.adventive.billing.work.control.WorkerIdentity;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.EJBException;
import jakarta.ejb.NoMoreTimeoutsException;
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
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
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
 * <p>Once per firing, whatever the number of timers: two instances starting together can each find
 * no timer and each create one, and Liberty's failover (server.xml's missedTaskThreshold) runs a
 * firing again on another instance when the first one died. So each firing first claims its slot
 * (the timer's schedule and the next timeout after this firing, the same for every timer of that
 * schedule firing for that slot) in {@code reconcile_firing}; a firing that finds the slot claimed
 * only logs. And at set-up, duplicates of a timer are cancelled so that one remains.
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
    ReconcileFirings firings;

    @Inject
    WorkerIdentity identity;

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
        reconcileOnce(timer);
    }

    /** Claims this firing's slot, then runs; a firing of a slot another timer already claimed only logs. */
    void reconcileOnce(Timer timer) {
        String schedule = String.valueOf(timer.getInfo());
        Date next = nextTimeoutAfterThisFiring(timer);
        String key = firingKey(schedule, next == null ? null : next.toInstant());
        String instance = identity.workerId();
        LocalDateTime nextUtc = next == null ? null : LocalDateTime.ofInstant(next.toInstant(), ZoneOffset.UTC);
        try {
            if (!firings.claim(key, cut(schedule, 120), nextUtc, instance) && !firings.takeOverUnstarted(key, instance)) {
                String holder = firings.find(key).map(ReconcileFiring::claimedBy).orElse("another firing");
                LOG.info("reconciliation firing " + key + " was already claimed by " + holder
                        + "; this timer's firing of the same slot does nothing");
                return;
            }
        } catch (RuntimeException e) {
            // the database is away (or not migrated yet): no run without a claim; the next firing tries again
            LOG.log(Level.WARNING, "reconciliation firing " + key + " not claimed, so not run: " + e);
            return;
        }
        LOG.info("reconciliation firing " + key + " claimed by " + instance);
        reconcileLastClosedPeriod(runId -> firings.ran(key, runId));
    }

    /**
     * Inside the timeout callback Liberty answers the timeout after the one firing now, computed from
     * the timer's schedule and its stored execution time: every timer of one schedule firing for one
     * slot answers the same instant. Null when the schedule has no further timeout (or the timer's
     * state cannot be read).
     */
    private Date nextTimeoutAfterThisFiring(Timer timer) {
        try {
            return timer.getNextTimeout();
        } catch (NoMoreTimeoutsException e) {
            return null;
        } catch (RuntimeException e) {
            // e.g. Liberty refuses a stored execution time that is not on a whole second ("mid-second"),
            // or the timer's state cannot be read: the firing still runs, keyed by its minute
            LOG.log(Level.WARNING, "the reconciliation timer's next timeout is unknown (" + e
                    + "); the minute of this firing stands for its slot");
            return null;
        }
    }

    /** The slot's unique key: the timer's schedule (its info) and the next timeout after this firing. */
    static String firingKey(String schedule, Instant nextTimeout) {
        String slot = nextTimeout == null
                // no further timeout (a schedule that ends): the minute it fired in stands for the slot
                ? "last:" + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
                : nextTimeout.toString();
        String name = schedule.length() <= 150 ? schedule
                : schedule.substring(0, 120) + "#" + Integer.toHexString(schedule.hashCode());
        return name + "@" + slot;
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
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
        List<Timer> daily = timersWith(DAILY_INFO::equals);
        if (daily.isEmpty()) {
            Timer created = timers.createCalendarTimer(dailySchedule(), dailyTimerConfig());
            LOG.info("daily reconciliation timer created (persistent, 06:00 UTC), next " + created.getNextTimeout());
            // another instance starting at the same moment may have found none either and created its own
            daily = timersWith(DAILY_INFO::equals);
        } else {
            LOG.info("daily reconciliation timer present (persistent, 06:00 UTC), next " + daily.get(0).getNextTimeout());
        }
        cancelDuplicates(daily, DAILY_INFO);
    }

    private List<Timer> timersWith(Predicate<Object> info) {
        List<Timer> found = new ArrayList<>();
        for (Timer timer : timers.getTimers()) {
            if (info.test(timer.getInfo())) {
                found.add(timer);
            }
        }
        return found;
    }

    /**
     * Keeps one of several timers of the same schedule. Every instance must keep the same one, or two
     * instances could cancel each other's and leave none: Liberty's persistent Timer hashes to its task
     * id, the same on every instance, so the lowest hash is kept. (A duplicate that survives a race does
     * no harm: its firing finds the slot claimed.)
     */
    private void cancelDuplicates(List<Timer> same, String what) {
        for (Timer duplicate : duplicates(same, Timer::hashCode)) {
            try {
                duplicate.cancel();
                LOG.info("duplicate reconciliation timer " + what + " cancelled (" + duplicate + "); one remains");
            } catch (jakarta.ejb.NoSuchObjectLocalException e) {
                // another instance cancelled it first
            } catch (EJBException e) {
                LOG.log(Level.INFO, "duplicate reconciliation timer " + what + " not cancelled now; its firings "
                        + "find their slot claimed: " + e);
            }
        }
    }

    /** All but the one with the lowest order (the one every instance keeps). */
    static <T> List<T> duplicates(List<T> same, java.util.function.ToIntFunction<T> order) {
        if (same.size() < 2) {
            return List.of();
        }
        List<T> sorted = new ArrayList<>(same);
        sorted.sort(Comparator.comparingInt(order));
        return sorted.subList(1, sorted.size());
    }

    /** Database failures leave as exceptions (set up again later); a malformed schedule is logged and skipped. */
    void scheduleFromConfiguration() {
        Optional<String> schedule = settings.optional(com.adventive.billing.platform.control.Settings.RECONCILE_SCHEDULE);
        String wanted = schedule.map(s -> CONFIGURED_INFO + s).orElse(null);
        List<Timer> present = new ArrayList<>();
        for (Timer timer : timers.getTimers()) {
            Object info = timer.getInfo();
            if (info instanceof String text && text.startsWith(CONFIGURED_INFO)) {
                if (text.equals(wanted)) {
                    present.add(timer);
                } else {
                    timer.cancel();
                }
            }
        }
        if (wanted == null) {
            return;
        }
        if (!present.isEmpty()) {
            cancelDuplicates(present, wanted);
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
        // another instance starting at the same moment may have created the same timer
        cancelDuplicates(timersWith(wanted::equals), wanted);
    }

    void reconcileLastClosedPeriod(java.util.function.LongConsumer runKnown) {
        try {
            reconciliation.resumeInterrupted();
            Reconciliation.Outcome outcome = reconciliation.runOrJoin(Reconciliation.lastClosedPeriod(), null,
                    Reconciliation.TRIGGER_SCHEDULE, Duration.ofMinutes(30), runKnown);
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
