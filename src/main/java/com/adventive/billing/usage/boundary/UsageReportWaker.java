package com.adventive.billing.usage.boundary;

import com.adventive.billing.platform.control.Settings;
import com.adventive.billing.usage.control.UsageLedger;
import com.adventive.billing.work.boundary.WorkQueueSender;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Wakes stored usage records' report work at the reporting pace, instead of {@code POST /usage}
 * sending one persistent JMS message per record while the caller waits: every second, up to
 * {@code USAGE_REPORT_RATE} due items that no message has woken yet get theirs. Ingest stays a
 * database write; a backlog drains at the rate Stripe is sent events anyway. The work sweeper
 * remains the backstop (it wakes any due item that was never enqueued).
 */
@Singleton
@Startup
@DependsOn("DatabaseMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class UsageReportWaker {

    private static final Logger LOG = Logger.getLogger(UsageReportWaker.class.getName());
    private static final long INTERVAL_MILLIS = 1_000;

    @Resource
    TimerService timerService;

    @Inject
    UsageLedger ledger;

    @Inject
    WorkQueueSender sender;

    @Inject
    Settings settings;

    private final AtomicBoolean waking = new AtomicBoolean();

    @PostConstruct
    void schedule() {
        timerService.createIntervalTimer(INTERVAL_MILLIS, INTERVAL_MILLIS, new TimerConfig("usage-report-waker", false));
    }

    @Timeout
    void tick() {
        wake();
    }

    private void wake() {
        if (!waking.compareAndSet(false, true)) {
            return; // a wake is running: it covers this one
        }
        try {
            List<Long> due = ledger.reportWorkToWake(settings.usageReportRate());
            for (Long id : due) {
                if (!sender.wake(id)) {
                    break; // the queue refuses: the next tick (or the sweeper) tries again
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Waking usage report work failed; the next tick tries again", e);
        } finally {
            waking.set(false);
        }
    }
}
