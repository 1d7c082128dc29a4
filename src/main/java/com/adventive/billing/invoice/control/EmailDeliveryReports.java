package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.BillingInvoice;
import com.adventive.billing.invoice.entity.EmailDelivery;
import com.adventive.billing.invoice.entity.EmailProviderEvent;
import com.adventive.billing.invoice.entity.EmailSuppression;
import com.adventive.billing.platform.control.Clock;
import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.webhook.entity.MailgunEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.util.Optional;

/**
 * What the email provider reports about the emails the worker sent. Each Mailgun event is matched to
 * its email by Message-ID (Mailgun names it without the angle brackets the worker writes), kept in
 * the email's history, and becomes the email's provider status unless a later event already did. A
 * permanent failure or a complaint puts the recipient on the suppression list, so the next email to
 * it is not sent. An unsubscribe is recorded only: invoices are not marketing, and Mailgun itself
 * drops later mail to an address it unsubscribed, reporting that as a permanent failure.
 *
 * <p>Runs inside the webhook's transaction (a synchronous CDI observer), so the webhook answers 200
 * only once all of this is committed.
 */
@ApplicationScoped
public class EmailDeliveryReports {

    static final String PROVIDER = "mailgun";
    public static final String BOUNCED = "email_bounced";
    public static final String COMPLAINED = "email_complained";

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    @Inject
    EmailSuppressions suppressions;

    @Inject
    OperationalLog operationalLog;

    @Transactional(Transactional.TxType.MANDATORY)
    public void onMailgunEvent(@Observes MailgunEvent event) {
        if (alreadyReceived(event)) {
            return; // the same event delivered again (Mailgun's delivery is at least once): it changed everything it could
        }
        String status = statusOf(event);
        Optional<EmailDelivery> delivery = deliveryOf(event.messageId());
        String invoiceId = delivery.map(EmailDelivery::stripeInvoiceId).orElse(null);
        delivery.ifPresent(d -> d.providerReported(status, event.occurredAt(), event.reason()));
        em.persist(new EmailProviderEvent(PROVIDER, event.eventId(), event.event(), event.severity(), status,
                event.recipient(), event.messageId(), event.reason(), event.occurredAt(), Clock.nowUtc(),
                delivery.map(EmailDelivery::id).orElse(null), invoiceId));
        if (!event.isPermanentFailure() && !MailgunEvent.COMPLAINED.equals(event.event())) {
            return;
        }
        OperationalContext context = new OperationalContext(null, invoiceId, accountOf(invoiceId), null);
        String what = event.recipient() + " message_id=" + (event.messageId() == null ? "unknown" : event.messageId())
                + (delivery.isPresent() ? "" : " (not an email of this worker)");
        // The suppression first: its insert is what can still fail (and roll back the webhook for Mailgun to
        // retry); operational events are committed on their own, so they come once it has not.
        suppressions.suppress(event.recipient(), status + (event.reason() == null ? "" : ": " + event.reason()),
                EmailSuppression.SOURCE_MAILGUN, null, context);
        operationalLog.record(context, event.isPermanentFailure() ? BOUNCED : COMPLAINED,
                what + (event.reason() == null ? "" : ": " + event.reason()));
    }

    static String statusOf(MailgunEvent event) {
        return switch (event.event()) {
            case MailgunEvent.DELIVERED -> EmailProviderEvent.DELIVERED;
            case MailgunEvent.FAILED -> event.isPermanentFailure()
                    ? EmailProviderEvent.FAILED_PERMANENT : EmailProviderEvent.FAILED_TEMPORARY;
            case MailgunEvent.COMPLAINED -> EmailProviderEvent.COMPLAINED;
            case MailgunEvent.UNSUBSCRIBED -> EmailProviderEvent.UNSUBSCRIBED;
            default -> throw new IllegalArgumentException("not a delivery event: " + event.event());
        };
    }

    private boolean alreadyReceived(MailgunEvent event) {
        return event.eventId() != null && em.createQuery("SELECT COUNT(e) FROM EmailProviderEvent e WHERE "
                        + "e.provider = :provider AND e.providerEventId = :id AND e.eventType = :type", Long.class)
                .setParameter("provider", PROVIDER)
                .setParameter("id", event.eventId())
                .setParameter("type", event.event())
                .getSingleResult() > 0;
    }

    /** The worker's email with this Message-ID (stored with angle brackets; either spelling matches). */
    private Optional<EmailDelivery> deliveryOf(String messageId) {
        if (messageId == null) {
            return Optional.empty();
        }
        return em.createQuery("SELECT d FROM EmailDelivery d WHERE d.messageId = :bracketed OR d.messageId = :bare "
                        + "ORDER BY d.id", EmailDelivery.class)
                .setParameter("bracketed", "<" + messageId + ">")
                .setParameter("bare", messageId)
                .setMaxResults(1)
                .getResultStream().findFirst();
    }

    private String accountOf(String invoiceId) {
        if (invoiceId == null) {
            return null;
        }
        BillingInvoice invoice = em.find(BillingInvoice.class, invoiceId);
        return invoice == null ? null : invoice.acctId();
    }
}
