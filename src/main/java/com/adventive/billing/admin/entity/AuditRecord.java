package com.adventive.billing.admin.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.LocalDateTime;

/**
 * One admin call, allowed or refused: when, who, what, on which target, and how it ended.
 * Never holds a secret: the principal is a client id, subject or email, never a credential.
 */
@Entity
@Table(name = "admin_audit")
public class AuditRecord {

    public static final String ALLOWED = "allowed";
    public static final String REFUSED = "refused";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "occurred_at")
    private LocalDateTime occurredAt;

    @Column(name = "principal_kind")
    private String principalKind;

    @Column(name = "principal_id")
    private String principalId;

    private String method;

    private String path;

    private String target;

    private int status;

    private String outcome;

    private String reason;

    protected AuditRecord() {
    }

    public AuditRecord(LocalDateTime occurredAt, String principalKind, String principalId, String method, String path,
                       String target, int status, String outcome, String reason) {
        this.occurredAt = occurredAt;
        this.principalKind = principalKind;
        this.principalId = principalId;
        this.method = method;
        this.path = path;
        this.target = target;
        this.status = status;
        this.outcome = outcome;
        this.reason = reason;
    }

    public Long id() { return id; }
    public LocalDateTime occurredAt() { return occurredAt; }
    public String principalKind() { return principalKind; }
    public String principalId() { return principalId; }
    public String method() { return method; }
    public String path() { return path; }
    public String target() { return target; }
    public int status() { return status; }
    public String outcome() { return outcome; }
    public String reason() { return reason; }
}
