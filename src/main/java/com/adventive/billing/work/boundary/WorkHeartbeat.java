package com.adventive.billing.work.boundary;

import com.adventive.billing.work.control.WorkLeases;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ticks every second so that {@link WorkLeases} can renew the lease of each run in this server
 * when its heartbeat is due (a third of WORK_LEASE_SECONDS, at most every 10 s). The tick is fixed
 * and cheap (nothing touches the database unless a renewal is due), so a lease changed at run
 * time is honoured at once. A container timer rather than a thread of our own: it stops with the
 * application, and a stopped application must stop renewing.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class WorkHeartbeat {

    private static final Logger LOG = Logger.getLogger(WorkHeartbeat.class.getName());
    private static final long TICK_MILLIS = 1_000;

    @Resource
    TimerService timerService;

    @Inject
    WorkLeases leases;

    private final AtomicBoolean beating = new AtomicBoolean();

    @PostConstruct
    void schedule() {
        timerService.createIntervalTimer(TICK_MILLIS, TICK_MILLIS, new TimerConfig("work-heartbeat", false));
    }

    @Timeout
    void tick() {
        if (!beating.compareAndSet(false, true)) {
            return;
        }
        try {
            leases.beat();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Work heartbeat failed; the next tick tries again", e);
        } finally {
            beating.set(false);
        }
    }
}
