package com.adventive.billing.invoice.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.LocalDateTime;

/** A recipient who must not be emailed (bounced, unsubscribed, complained). Stored lower-case. */
@Entity
@Table(name = "email_suppression")
public class EmailSuppression {

    @Id
    private String email;

    private String reason;

    @Column(name = "created_at")
    private LocalDateTime createdAt;

    /** Who put the address here: {@value #SOURCE_MAILGUN}, {@value #SOURCE_OPERATOR}; null for rows written by SQL. */
    private String source;

    /** The operator who added it (null when Mailgun's report did). */
    @Column(name = "created_by")
    private String createdBy;

    public static final String SOURCE_MAILGUN = "mailgun";
    public static final String SOURCE_OPERATOR = "operator";

    protected EmailSuppression() {
    }

    public EmailSuppression(String email, String reason, LocalDateTime now) {
        this.email = email;
        this.reason = reason;
        this.createdAt = now;
    }

    public EmailSuppression(String email, String reason, String source, String createdBy, LocalDateTime now) {
        this(email, reason, now);
        this.source = source;
        this.createdBy = createdBy;
    }

    public String email() { return email; }
    public String reason() { return reason; }
    public LocalDateTime createdAt() { return createdAt; }
    public String source() { return source; }
    public String createdBy() { return createdBy; }
}
