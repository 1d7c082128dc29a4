package com.adventive.billing.webhook.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.LocalDateTime;

/** A Mailgun webhook token already accepted: a second request carrying it is a replay. */
@Entity
@Table(name = "mailgun_webhook_token")
public class MailgunToken {

    @Id
    private String token;

    @Column(name = "signed_at")
    private LocalDateTime signedAt;

    @Column(name = "received_at")
    private LocalDateTime receivedAt;

    protected MailgunToken() {
    }

    public MailgunToken(String token, LocalDateTime signedAt, LocalDateTime receivedAt) {
        this.token = token;
        this.signedAt = signedAt;
        this.receivedAt = receivedAt;
    }

    public String token() { return token; }
    public LocalDateTime signedAt() { return signedAt; }
    public LocalDateTime receivedAt() { return receivedAt; }
}
