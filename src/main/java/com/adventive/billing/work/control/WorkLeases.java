package com.adventive.billing.work.control;

import com.adventive.billing.platform.control.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the lease of every run in this server alive while the run is alive (a heartbeat).
 *
 * <p>Why a heartbeat and not a lease longer than the longest run: a run's length has no useful
 * bound. It makes a data-dependent number of Stripe calls (one per 100 invoice lines), each with a
 * 30 s read timeout and network retries, bucket calls of up to 60 s, SMTP with 30 s per step, a
 * render whose time grows with the invoice, and database lock waits. A lease covering all of that
 * would be long, and a long lease is exactly what makes the work of a crashed instance wait. With
 * a heartbeat the lease stays short (an instance that dies is taken over quickly), and a slow run
 * that is alive keeps its item: the sweeper never starts a second run beside it.
 *
 * <p>A run that hangs for good would renew forever and its item would never fail visibly, so a
 * run stops being renewed once it is older than {@code WORK_RUN_MAX_SECONDS}: its lease lapses and
 * another run takes over. Should the old run finish after all, its claim token no longer matches
 * and its outcome is discarded (see {@link WorkLedger}).
 */
@ApplicationScoped
public class WorkLeases {

    private static final Logger LOG = Logger.getLogger(WorkLeases.class.getName());

    /** Beat at least this often, whatever the lease, so a dead run is recognised within seconds. */
    static final Duration MAX_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);
    private static final Duration MIN_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);

    @Inject
    WorkLedger ledger;

    @Inject
    Settings settings;

    private final ConcurrentMap<Long, LiveRun> live = new ConcurrentHashMap<>();

    private static final class LiveRun {
        final WorkClaim claim;
        final long startedNanos;
        volatile long renewedNanos;
        volatile boolean given;

        LiveRun(WorkClaim claim, long nowNanos) {
            this.claim = claim;
            this.startedNanos = nowNanos;
            this.renewedNanos = nowNanos;
        }
    }

    /**
     * How often a live run renews: a third of the lease, so two beats can be missed before it
     * lapses, and at least every {@link #MAX_HEARTBEAT_INTERVAL}.
     */
    public static Duration heartbeatInterval(Duration lease) {
        Duration third = lease.dividedBy(3);
        if (third.compareTo(MAX_HEARTBEAT_INTERVAL) > 0) {
            return MAX_HEARTBEAT_INTERVAL;
        }
        return third.compareTo(MIN_HEARTBEAT_INTERVAL) < 0 ? MIN_HEARTBEAT_INTERVAL : third;
    }

    /** A run whose last heartbeat is older than this has missed two beats: it is not running any more. */
    public static Duration silenceOfADeadRun(Duration lease) {
        return heartbeatInterval(lease).multipliedBy(2).plusSeconds(1);
    }

    public void track(WorkClaim claim) {
        live.put(claim.itemId(), new LiveRun(claim, System.nanoTime()));
    }

    public void untrack(WorkClaim claim) {
        live.computeIfPresent(claim.itemId(), (id, run) -> run.claim.token().equals(claim.token()) ? null : run);
    }

    /** Runs of this server whose lease is kept alive now. */
    public int liveRuns() {
        return live.size();
    }

    /** Called every second or so: renews the runs whose heartbeat is due. */
    public void beat() {
        beat(System.nanoTime());
    }

    void beat(long nowNanos) {
        Duration lease = settings.workLease();
        long intervalNanos = heartbeatInterval(lease).toNanos();
        long maxRunNanos = settings.workRunMax().toNanos();
        List<WorkClaim> due = new ArrayList<>();
        for (LiveRun run : live.values()) {
            if (run.given) {
                continue;
            }
            if (nowNanos - run.startedNanos > maxRunNanos) {
                run.given = true;
                LOG.warning(() -> "Work item " + run.claim.itemId() + " attempt " + run.claim.attempt() + " has run for "
                        + Duration.ofNanos(nowNanos - run.startedNanos).toSeconds() + " s, more than WORK_RUN_MAX_SECONDS; "
                        + "its lease is no longer renewed, so another run will take over when it lapses");
                continue;
            }
            if (nowNanos - run.renewedNanos >= intervalNanos) {
                due.add(run.claim);
            }
        }
        if (due.isEmpty()) {
            return;
        }
        List<WorkClaim> lost;
        try {
            lost = ledger.renew(due, lease);
        } catch (RuntimeException e) {
            // Missed beats are tolerated (the lease is three intervals); the next tick tries again.
            LOG.log(Level.WARNING, "Could not renew the lease of " + due.size() + " running work item(s)", e);
            return;
        }
        for (WorkClaim claim : due) {
            if (lost.contains(claim)) {
                LiveRun run = live.get(claim.itemId());
                if (run != null && run.claim.token().equals(claim.token())) {
                    run.given = true;
                }
                LOG.warning(() -> "Work item " + claim.itemId() + " attempt " + claim.attempt() + " lost its claim while "
                        + "running (taken over after its lease lapsed); whatever this run concludes will be discarded");
            } else {
                LiveRun run = live.get(claim.itemId());
                if (run != null && run.claim.token().equals(claim.token())) {
                    run.renewedNanos = nowNanos;
                }
            }
        }
    }
}
