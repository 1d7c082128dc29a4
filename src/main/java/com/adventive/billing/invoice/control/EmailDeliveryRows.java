package com.adventive.billing.invoice.control;

import com.adventive.billing.platform.control.RetriedOnTransientConflict;
import com.adventive.billing.invoice.entity.EmailDelivery;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.LocalDateTime;
import java.util.Optional;

/**
 * The single-statement steps an email claim is made of, each its own short transaction. No step
 * reads with a lock or holds one across another statement, so concurrent claims never wait on each
 * other's transactions (Derby escalates a locking read of a small table to range or table locks
 * that block every other claimer's insert): the unique dedupe key and conditional updates by
 * primary key decide who wins instead.
 */
@ApplicationScoped
@RetriedOnTransientConflict
@Transactional(Transactional.TxType.REQUIRES_NEW)
public class EmailDeliveryRows {

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    /** The committed row for this dedupe key, read without locking. */
    public Optional<EmailDelivery> byDedupeKey(String dedupeKey) {
        return em.createQuery("SELECT d FROM EmailDelivery d WHERE d.dedupeKey = :key", EmailDelivery.class)
                .setParameter("key", dedupeKey)
                .getResultStream().findFirst();
    }

    public Optional<EmailDelivery> byId(long id) {
        return Optional.ofNullable(em.find(EmailDelivery.class, id));
    }

    /** Writes down a first attempt; throws when another worker's row for the dedupe key got there first. */
    public EmailDelivery insertFirstAttempt(String dedupeKey, String stripeInvoiceId, String template, String recipient,
                                            String messageId, String pdfSha256, LocalDateTime now) {
        EmailDelivery delivery = new EmailDelivery(dedupeKey, stripeInvoiceId, template, recipient, messageId, now);
        delivery.attempting(recipient, pdfSha256, now);
        em.persist(delivery);
        em.flush();
        return delivery;
    }

    /**
     * Takes the row for another attempt if it is still exactly as the caller read it: same status,
     * same attempt count (every attempt increments it). True when this caller won.
     */
    public boolean reattempt(long id, String seenStatus, int seenAttempts, String recipient, String pdfSha256,
                             LocalDateTime now) {
        return em.createQuery("UPDATE EmailDelivery d SET d.status = :prepared, d.attempts = d.attempts + 1, "
                        + "d.attemptedAt = :now, d.recipient = :recipient, d.pdfSha256 = :sha "
                        + "WHERE d.id = :id AND d.status = :seen AND d.attempts = :attempts")
                .setParameter("prepared", EmailDelivery.PREPARED)
                .setParameter("now", now)
                .setParameter("recipient", recipient)
                .setParameter("sha", pdfSha256)
                .setParameter("id", id)
                .setParameter("seen", seenStatus)
                .setParameter("attempts", seenAttempts)
                .executeUpdate() == 1;
    }

    /** Marks an abandoned transmission (still "sending" as the caller read it) as of unknown outcome. */
    public boolean abandonTransmission(long id, int seenAttempts, String error) {
        return em.createQuery("UPDATE EmailDelivery d SET d.status = :unknown, d.lastError = :error "
                        + "WHERE d.id = :id AND d.status = :sending AND d.attempts = :attempts")
                .setParameter("unknown", EmailDelivery.OUTCOME_UNKNOWN)
                .setParameter("error", error)
                .setParameter("id", id)
                .setParameter("sending", EmailDelivery.SENDING)
                .setParameter("attempts", seenAttempts)
                .executeUpdate() == 1;
    }
}
