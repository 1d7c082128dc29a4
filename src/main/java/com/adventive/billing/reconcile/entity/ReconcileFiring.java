package com.adventive.billing.reconcile.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.LocalDateTime;

/**
 * One scheduled firing of the reconciliation, claimed by the instance that runs it: its key (schedule
 * and slot) is unique, so a second timer firing for the same slot finds it and does nothing.
 */
@Entity
@Table(name = "reconcile_firing")
public class ReconcileFiring {

    @Id
    @Column(name = "firing_key")
    private String firingKey;

    private String schedule;

    @Column(name = "next_timeout")
    private LocalDateTime nextTimeout;

    @Column(name = "claimed_by")
    private String claimedBy;

    @Column(name = "claimed_at")
    private LocalDateTime claimedAt;

    @Column(name = "run_id")
    private Long runId;

    protected ReconcileFiring() {
    }

    public ReconcileFiring(String firingKey, String schedule, LocalDateTime nextTimeout, String claimedBy,
                           LocalDateTime claimedAt) {
        this.firingKey = firingKey;
        this.schedule = schedule;
        this.nextTimeout = nextTimeout;
        this.claimedBy = claimedBy;
        this.claimedAt = claimedAt;
    }

    public String firingKey() {
        return firingKey;
    }

    public String schedule() {
        return schedule;
    }

    public LocalDateTime nextTimeout() {
        return nextTimeout;
    }

    public String claimedBy() {
        return claimedBy;
    }

    public LocalDateTime claimedAt() {
        return claimedAt;
    }

    public Long runId() {
        return runId;
    }

    public void ran(long run) {
        this.runId = run;
    }

    /** A claim left without a run (its instance died before starting one) taken over by another firing. */
    public void takenOverBy(String instance, LocalDateTime at) {
        this.claimedBy = instance;
        this.claimedAt = at;
    }
}
