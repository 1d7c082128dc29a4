package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.BillingInvoice;
import com.adventive.billing.invoice.entity.EmailDelivery;
import com.adventive.billing.invoice.entity.EmailSuppression;
import com.adventive.billing.platform.control.Clock;
import com.stripe.model.Invoice;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.util.Locale;
import java.util.Optional;
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

    public Optional<BillingInvoice> find(String stripeInvoiceId) {
        return Optional.ofNullable(em.find(BillingInvoice.class, stripeInvoiceId));
    }

    public BillingInvoice pdfStored(String stripeInvoiceId, String key, String sha256, long size, int pages) {
        BillingInvoice row = em.find(BillingInvoice.class, stripeInvoiceId);
        row.pdfStored(key, sha256, size, pages, Clock.nowUtc());
        return row;
    }

    public boolean isSuppressed(String email) {
        return em.find(EmailSuppression.class, email.toLowerCase(Locale.ROOT)) != null;
    }

    public Optional<EmailDelivery> delivery(String dedupeKey) {
        return em.createQuery("SELECT d FROM EmailDelivery d WHERE d.dedupeKey = :key", EmailDelivery.class)
                .setParameter("key", dedupeKey)
                .getResultStream().findFirst();
    }

    /** Writes the attempt down before SMTP is contacted, so every attempt leaves a trace. */
    public EmailDelivery beginDelivery(String dedupeKey, String stripeInvoiceId, String template, String recipient,
                                       String messageId) {
        EmailDelivery delivery = delivery(dedupeKey).orElse(null);
        if (delivery == null) {
            delivery = new EmailDelivery(dedupeKey, stripeInvoiceId, template, recipient, messageId, Clock.nowUtc());
            em.persist(delivery);
        }
        delivery.attempting(recipient, Clock.nowUtc());
        em.flush();
        return delivery;
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
