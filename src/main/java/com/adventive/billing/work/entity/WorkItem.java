package com.adventive.billing.work.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.LocalDateTime;

/**
 * One unit of background work: its kind says which handler does it, its subject what it is done to
 * (a stored Stripe event, a usage ledger record, ...). Its state, not the JMS message, is the truth:
 * messages only wake a worker, and a lost or duplicated message changes nothing.
 */
@Entity
@Table(name = "work_item")
public class WorkItem {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    private String kind;

    private String subject;

    /** Set when the subject is a stored Stripe event (so operational events and the dossier can name it). */
    @Column(name = "event_id")
    private String eventId;

    private String state;

    private int attempts;

    @Column(name = "next_attempt_at")
    private LocalDateTime nextAttemptAt;

    @Column(name = "enqueued_at")
    private LocalDateTime enqueuedAt;

    @Column(name = "lease_until")
    private LocalDateTime leaseUntil;

    @Column(name = "failure_reason")
    private String failureReason;

    @Column(name = "last_error")
    private String lastError;

    /** Fresh per claim: completions apply only while it is still the item's (see WorkLedger). */
    @Column(name = "claim_token")
    private String claimToken;

    /** The server instance (WORKER_ID) that holds or last held the item. */
    @Column(name = "claimed_by")
    private String claimedBy;

    /** The run (one per server start) of that instance. */
    @Column(name = "claim_run")
    private String claimRun;

    /** The last heartbeat of the run holding the item. */
    @Column(name = "renewed_at")
    private LocalDateTime renewedAt;

    @Column(name = "created_at")
    private LocalDateTime createdAt;

    @Column(name = "updated_at")
    private LocalDateTime updatedAt;

    protected WorkItem() {
    }

    public WorkItem(String kind, String subject, String eventId, LocalDateTime now) {
        this.kind = kind;
        this.subject = subject;
        this.eventId = eventId;
        this.state = WorkState.PENDING.dbValue();
        this.attempts = 0;
        this.nextAttemptAt = now;
        // the intake sends its message right after commit; a failed send clears this again
        this.enqueuedAt = now;
        this.createdAt = now;
        this.updatedAt = now;
    }

    public Long id() { return id; }
    public String kind() { return kind; }
    public String subject() { return subject; }
    public String eventId() { return eventId; }
    public WorkState state() { return WorkState.of(state); }
    public int attempts() { return attempts; }
    public LocalDateTime nextAttemptAt() { return nextAttemptAt; }
    public LocalDateTime leaseUntil() { return leaseUntil; }
    public String failureReason() { return failureReason; }
    public String lastError() { return lastError; }
    public String claimToken() { return claimToken; }
    public String claimedBy() { return claimedBy; }
    public String claimRun() { return claimRun; }
    public LocalDateTime renewedAt() { return renewedAt; }
    public LocalDateTime createdAt() { return createdAt; }
    public LocalDateTime updatedAt() { return updatedAt; }
}
