package com.adventive.billing.usage.boundary;

import com.adventive.billing.platform.control.Settings;
import com.adventive.billing.usage.control.UsageLedger;
import com.adventive.billing.usage.control.UsageReportQueue;
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
 * Turns stored usage records into report work at the reporting pace, instead of {@code POST /usage}
 * creating a work item and sending a persistent JMS message per record while the caller waits:
 * every second it creates the work items of up to {@code USAGE_REPORT_RATE} records not queued yet,
 * then wakes up to as many due items that no message has woken yet. Ingest stays one write per
 * record; a backlog drains at the rate Stripe is sent events anyway. Every instance runs one; a
 * record is queued by exactly one of them. The work sweeper remains the backstop for a woken item
 * whose message was lost.
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
    UsageReportQueue queue;

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
            int rate = settings.usageReportRate();
            // no more report work unfinished than a second's pace: a slow or failing Stripe leaves
            // the backlog in the ledger, not as a growing heap of work items retrying
            long room = rate - ledger.unfinishedReportWork();
            if (room > 0) {
                queue.queueOldest((int) room);
            }
            List<Long> due = ledger.reportWorkToWake(rate);
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
