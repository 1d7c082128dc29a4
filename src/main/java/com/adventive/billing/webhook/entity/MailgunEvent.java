package com.adventive.billing.webhook.entity;

import java.time.LocalDateTime;

/**
 * One Mailgun event about an email, verified and validated ({@code event-data} of the webhook). Fired
 * as a CDI event inside the webhook's transaction: the capability that owns the emails observes it
 * (so intake does not depend on it), and the webhook answers 200 only once its effects are committed.
 *
 * @param eventId    Mailgun's event id (unique within a day), or null
 * @param event      delivered, failed, complained or unsubscribed
 * @param severity   for failed: permanent or temporary (anything else is taken as temporary); else null
 * @param recipient  the address, lower-case
 * @param messageId  the email's Message-ID as Mailgun names it: without angle brackets; null if absent
 * @param reason     what the provider said (SMTP code and message, or the event's reason), or null
 * @param occurredAt when it happened by Mailgun's clock (UTC)
 */
public record MailgunEvent(String eventId, String event, String severity, String recipient, String messageId,
                           String reason, LocalDateTime occurredAt) {

    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";
    public static final String COMPLAINED = "complained";
    public static final String UNSUBSCRIBED = "unsubscribed";
    public static final String PERMANENT = "permanent";

    public boolean isPermanentFailure() {
        return FAILED.equals(event) && PERMANENT.equals(severity);
    }
}
