package com.adventive.billing.work.boundary;

import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.platform.control.Settings;
import com.adventive.billing.work.control.WorkHandlers;
import com.adventive.billing.work.control.WorkLedger;
import com.adventive.billing.work.control.WorkerIdentity;
import com.adventive.billing.work.entity.WorkItem;
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
 * Makes sure no pending item gets stuck: re-enqueues due items whose message was lost or whose
 * worker died (lease expired), and gives up on those that used all their attempts.
 * Runs once at start-up too, which is how work survives a restart: items that an earlier run of
 * this same server instance held are released there and then, not when their lease runs out.
 */
@Singleton
@Startup
@DependsOn("DatabaseMigration")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class WorkSweeper {

    private static final Logger LOG = Logger.getLogger(WorkSweeper.class.getName());
    private static final int BATCH = 500;

    @Resource
    TimerService timerService;

    @Inject
    Settings settings;

    @Inject
    WorkLedger ledger;

    @Inject
    WorkQueueSender sender;

    @Inject
    WorkHandlers handlers;

    @Inject
    WorkerIdentity identity;

    @Inject
    OperationalLog operationalLog;

    private final AtomicBoolean sweeping = new AtomicBoolean();

    @PostConstruct
    void schedule() {
        // The run id is made here, at start-up: claims taken from now on name this run.
        LOG.info(() -> "Work claims of this server are recorded as " + identity.workerId() + " run " + identity.runId());
        long intervalMillis = settings.workSweepInterval().toMillis();
        timerService.createIntervalTimer(1_000, intervalMillis, new TimerConfig("work-sweeper", false));
    }

    @Timeout
    void sweep() {
        if (!sweeping.compareAndSet(false, true)) {
            return;
        }
        try {
            releaseFromEarlierRuns();
            for (WorkItem item : ledger.failAbandoned()) {
                operationalLog.record(OperationalContext.ofWork(item.id(), item.eventId()), "work_failed",
                        "attempts_exhausted: worker stopped while holding the lease on attempt " + item.attempts());
            }
            List<Long> due = ledger.needingWake(BATCH, identity.startedAt(), handlers.pacedKinds());
            for (Long id : due) {
                sender.wake(id);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Work sweep failed; next sweep will try again", e);
        } finally {
            sweeping.set(false);
        }
    }

    /** The ended leases are picked up below in the same sweep: failed if it was their last attempt, else woken. */
    private void releaseFromEarlierRuns() {
        for (WorkItem item : ledger.releaseFromEarlierRuns(identity.workerId(), identity.runId())) {
            operationalLog.record(OperationalContext.ofWork(item.id(), item.eventId()), "work_released",
                    "attempt " + item.attempts() + " was claimed by an earlier run of this server (" + item.claimedBy()
                            + ", run " + item.claimRun() + ") that has stopped; resumed now instead of after the lease");
        }
    }
}
