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

    protected EmailSuppression() {
    }

    public EmailSuppression(String email, String reason, LocalDateTime now) {
        this.email = email;
        this.reason = reason;
        this.createdAt = now;
    }

    public String email() { return email; }
    public String reason() { return reason; }
}
