package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.BillingInvoice;
import com.adventive.billing.invoice.entity.EmailDelivery;
import com.adventive.billing.invoice.entity.EmailSuppression;
import com.adventive.billing.platform.control.Clock;
import com.stripe.model.Invoice;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Locale;
import java.util.UUID;

/** The worker's own record of invoices and their emails; every method commits on its own. */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRES_NEW)
public class InvoiceLedger {

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    /**
     * The invoice's row, created on first sight with a fresh inv_uuid that never changes after.
     * A concurrent first sight loses on the primary key and retries the work, finding the row.
     */
    public BillingInvoice record(Invoice invoice, String acctId) {
        BillingInvoice row = em.find(BillingInvoice.class, invoice.getId());
        if (row == null) {
            row = new BillingInvoice(invoice.getId(), UUID.randomUUID().toString(), acctId, Clock.nowUtc());
            em.persist(row);
        }
        row.describe(invoice.getNumber(), upper(invoice.getCurrency()), invoice.getTotal(), invoice.getAmountDue(),
                invoice.getCustomerEmail(), Clock.nowUtc());
        return row;
    }

    public BillingInvoice pdfStored(String stripeInvoiceId, String key, String sha256, long size, int pages) {
        BillingInvoice row = em.find(BillingInvoice.class, stripeInvoiceId);
        row.pdfStored(key, sha256, size, pages, Clock.nowUtc());
        return row;
    }

    public boolean isSuppressed(String email) {
        return em.find(EmailSuppression.class, email.toLowerCase(Locale.ROOT)) != null;
    }

    /** What {@link #claimDelivery} decided about sending one email now. */
    public sealed interface DeliveryClaim {
        /** Go ahead: the attempt is written down (prepared) before SMTP is contacted. */
        record Claimed(EmailDelivery delivery) implements DeliveryClaim { }
        record AlreadySent(String messageId) implements DeliveryClaim { }
        /** Another worker is on it right now. */
        record InProgress(String messageId) implements DeliveryClaim { }
        /** A worker died while transmitting it: it may have been delivered. */
        record InDoubt(EmailDelivery delivery) implements DeliveryClaim { }
    }

    /**
     * Decides, under a row lock, whether this worker may send the email with this dedupe key, and
     * if so writes the attempt down. Two first attempts racing each other collide on the unique
     * dedupe key and the loser retries later.
     */
    public DeliveryClaim claimDelivery(String dedupeKey, String stripeInvoiceId, String template, String recipient,
                                       String messageId, Duration lease) {
        LocalDateTime now = Clock.nowUtc();
        EmailDelivery delivery = em.createQuery("SELECT d FROM EmailDelivery d WHERE d.dedupeKey = :key",
                        EmailDelivery.class)
                .setParameter("key", dedupeKey)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultStream().findFirst().orElse(null);
        if (delivery == null) {
            delivery = new EmailDelivery(dedupeKey, stripeInvoiceId, template, recipient, messageId, now);
            delivery.attempting(recipient, now);
            em.persist(delivery);
            em.flush();
            return new DeliveryClaim.Claimed(delivery);
        }
        if (delivery.isSent()) {
            return new DeliveryClaim.AlreadySent(delivery.messageId());
        }
        boolean recent = delivery.attemptedAt() != null && delivery.attemptedAt().isAfter(now.minus(lease));
        if ((delivery.isPrepared() || delivery.isSending()) && recent) {
            return new DeliveryClaim.InProgress(delivery.messageId());
        }
        if (delivery.isSending()) {
            return new DeliveryClaim.InDoubt(delivery);
        }
        delivery.attempting(recipient, now);
        return new DeliveryClaim.Claimed(delivery);
    }

    /** The handshake succeeded and the message is about to be transmitted: from here on, a crash is in doubt. */
    public void deliveryHandedToSmtp(long deliveryId) {
        em.find(EmailDelivery.class, deliveryId).handedToSmtp(Clock.nowUtc());
    }

    public void deliverySent(long deliveryId) {
        em.find(EmailDelivery.class, deliveryId).sent(Clock.nowUtc());
    }

    public void deliveryFailed(long deliveryId, String error) {
        em.find(EmailDelivery.class, deliveryId).failed(error.length() > 2000 ? error.substring(0, 2000) : error);
    }

    private static String upper(String currency) {
        return currency == null ? null : currency.toUpperCase(Locale.ROOT);
    }
}
