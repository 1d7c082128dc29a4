package com.adventive.billing.invoice.control;

import com.adventive.billing.platform.control.RetriedOnTransientConflict;
import com.adventive.billing.platform.entity.Texts;
import com.adventive.billing.invoice.entity.BillingInvoice;
import com.adventive.billing.invoice.entity.EmailDelivery;
import com.adventive.billing.invoice.entity.EmailSuppression;
import com.adventive.billing.invoice.entity.InvoicePdfVersion;
import com.adventive.billing.platform.control.Clock;
import com.stripe.model.Invoice;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/** The worker's own record of invoices and their emails; every method commits on its own. */
@ApplicationScoped
@RetriedOnTransientConflict
@Transactional(Transactional.TxType.REQUIRES_NEW)
public class InvoiceLedger {

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    @Inject
    EmailDeliveryRows deliveries;

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

    /** Every version of the invoice's PDF, oldest first (reserved ones included). */
    public List<InvoicePdfVersion> pdfVersions(String stripeInvoiceId) {
        return em.createQuery("SELECT v FROM InvoicePdfVersion v WHERE v.stripeInvoiceId = :id "
                        + "ORDER BY v.versionNumber", InvoicePdfVersion.class)
                .setParameter("id", stripeInvoiceId).getResultList();
    }

    /**
     * Reserves a new version number and key for content not stored before. Throws when another render
     * took the number or stored the same content first (unique constraints): look again and decide.
     */
    public InvoicePdfVersion reservePdfVersion(BillingInvoice invoice, int number, String sha256, long size, int pages) {
        InvoicePdfVersion version = new InvoicePdfVersion(invoice.stripeInvoiceId(), number,
                InvoicePdfVersion.keyOf(invoice.objectKey(), number), sha256, size, pages, Clock.nowUtc());
        em.persist(version);
        em.flush();
        return version;
    }

    /** The version's object is in the bucket; it becomes the invoice's current PDF (the one the next email attaches). */
    public BillingInvoice pdfStored(long versionId) {
        InvoicePdfVersion version = em.find(InvoicePdfVersion.class, versionId);
        LocalDateTime now = Clock.nowUtc();
        version.stored(now);
        BillingInvoice row = em.find(BillingInvoice.class, version.stripeInvoiceId());
        row.pdfStored(version.pdfKey(), version.sha256(), version.sizeBytes(), version.pages(), now);
        return row;
    }

    /** The invoice's current PDF version, as the ledger has it now (not as a caller's copy of the row had it). */
    public Optional<InvoicePdfVersion> currentPdf(String stripeInvoiceId) {
        BillingInvoice row = em.find(BillingInvoice.class, stripeInvoiceId);
        if (row == null || row.pdfKey() == null) {
            return Optional.empty();
        }
        return em.createQuery("SELECT v FROM InvoicePdfVersion v WHERE v.pdfKey = :key", InvoicePdfVersion.class)
                .setParameter("key", row.pdfKey()).getResultStream().findFirst();
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
        /** It was transmitted without an answer, or a worker died transmitting it: it may have been delivered. */
        record InDoubt(EmailDelivery delivery) implements DeliveryClaim { }
    }

    private static final int CLAIM_ROUNDS = 5;

    /**
     * Decides whether this worker may send the email with this dedupe key, and if so writes the
     * attempt down (with the sha256 of the PDF it will attach). Lock-free: a first attempt is an
     * insert that the unique dedupe key lets only one worker win; a later attempt is a conditional
     * update by primary key. Each is its own short transaction, so claims never wait on each other.
     */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public DeliveryClaim claimDelivery(String dedupeKey, String stripeInvoiceId, String template, String recipient,
                                       String messageId, String pdfSha256, Duration lease) {
        for (int round = 0; round < CLAIM_ROUNDS; round++) {
            LocalDateTime now = Clock.nowUtc();
            Optional<EmailDelivery> existing = deliveries.byDedupeKey(dedupeKey);
            if (existing.isEmpty()) {
                try {
                    return new DeliveryClaim.Claimed(deliveries.insertFirstAttempt(dedupeKey, stripeInvoiceId, template,
                            recipient, messageId, pdfSha256, now));
                } catch (RuntimeException e) {
                    if (deliveries.byDedupeKey(dedupeKey).isEmpty()) {
                        throw e; // not a lost race: a real failure
                    }
                    continue; // another worker inserted it first: decide on its row
                }
            }
            EmailDelivery delivery = existing.get();
            if (delivery.isSent()) {
                return new DeliveryClaim.AlreadySent(delivery.messageId());
            }
            if (delivery.isOutcomeUnknown()) {
                return new DeliveryClaim.InDoubt(delivery);
            }
            boolean recent = delivery.attemptedAt() != null && delivery.attemptedAt().isAfter(now.minus(lease));
            if ((delivery.isPrepared() || delivery.isSending()) && recent) {
                return new DeliveryClaim.InProgress(delivery.messageId());
            }
            if (delivery.isSending()) {
                if (deliveries.abandonTransmission(delivery.id(), delivery.attempts(), "a worker stopped while "
                        + "transmitting this message (attempted " + delivery.attemptedAt() + "); it may have been delivered")) {
                    return new DeliveryClaim.InDoubt(deliveries.byId(delivery.id()).orElse(delivery));
                }
                continue;
            }
            // failed (SMTP certainly did not take it), or prepared by a worker that stopped before transmitting
            if (deliveries.reattempt(delivery.id(), delivery.status(), delivery.attempts(), recipient, pdfSha256, now)) {
                return new DeliveryClaim.Claimed(deliveries.byId(delivery.id()).orElseThrow());
            }
        }
        // the row changed under every look: someone else is working on it
        return new DeliveryClaim.InProgress(messageId);
    }

    /** The server agreed to take the message body and it is about to be transmitted: from here on, a crash is in doubt. */
    public void deliveryHandedToSmtp(long deliveryId) {
        em.find(EmailDelivery.class, deliveryId).handedToSmtp(Clock.nowUtc());
    }

    public void deliverySent(long deliveryId) {
        em.find(EmailDelivery.class, deliveryId).sent(Clock.nowUtc());
    }

    /** SMTP certainly did not take the message: another attempt is safe. */
    public void deliveryFailed(long deliveryId, String error) {
        em.find(EmailDelivery.class, deliveryId).failed(Texts.truncate(error, 2000));
    }

    /** The message was transmitted and no answer came: it is never sent again under this dedupe key. */
    public void deliveryOutcomeUnknown(long deliveryId, String error) {
        em.find(EmailDelivery.class, deliveryId).outcomeUnknown(Texts.truncate(error, 2000));
    }

    private static String upper(String currency) {
        return currency == null ? null : currency.toUpperCase(Locale.ROOT);
    }
}
