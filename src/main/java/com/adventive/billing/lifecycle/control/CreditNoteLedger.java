package com.adventive.billing.lifecycle.control;

import com.adventive.billing.lifecycle.entity.CreditNoteRequest;
import com.adventive.billing.platform.control.Clock;
import com.adventive.billing.platform.entity.Texts;
import com.adventive.billing.work.control.WorkSubmission;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Credit note requests, each change in its own short transaction (nothing is held across the Stripe call). */
@ApplicationScoped
public class CreditNoteLedger {

    /** The work kind that emails an issued credit note to the customer; its subject is the request's id. */
    public static final String EMAIL_KIND = "credit_note.email";

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    @Inject
    WorkSubmission work;

    @Transactional
    public Optional<CreditNoteRequest> byKey(String requestKey) {
        return em.createQuery("SELECT c FROM CreditNoteRequest c WHERE c.requestKey = :key", CreditNoteRequest.class)
                .setParameter("key", requestKey).getResultStream().findFirst();
    }

    @Transactional
    public Optional<CreditNoteRequest> byId(long id) {
        return Optional.ofNullable(em.find(CreditNoteRequest.class, id));
    }

    @Transactional
    public List<CreditNoteRequest> forInvoice(String invoiceId) {
        return em.createQuery("SELECT c FROM CreditNoteRequest c WHERE c.stripeInvoiceId = :invoice ORDER BY c.id",
                CreditNoteRequest.class).setParameter("invoice", invoiceId).getResultList();
    }

    @Transactional
    public CreditNoteRequest insert(CreditNoteRequest request) {
        em.persist(request);
        em.flush();
        return request;
    }

    /** Send now, or the state it is settled in. */
    public sealed interface Decision {
        record Send(CreditNoteRequest request) implements Decision { }
        record Settled(CreditNoteRequest request) implements Decision { }
    }

    /**
     * Under a row lock: a request already issued, refused or in doubt is settled; a pending one
     * written longer ago than Stripe keeps idempotency keys goes in doubt (a second send could issue a
     * second credit note), otherwise the attempt is counted and the caller sends.
     */
    @Transactional
    public Decision startSend(long id, Duration resendWindow) {
        CreditNoteRequest request = em.find(CreditNoteRequest.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (!CreditNoteRequest.PENDING.equals(request.state())) {
            return new Decision.Settled(request);
        }
        if (request.sendAttempts() > 0 && request.requestedAt().plus(resendWindow).isBefore(Clock.nowUtc())) {
            request.outcomeUnknown("requested at " + request.requestedAt() + " UTC and never confirmed ("
                    + Texts.truncate(String.valueOf(request.lastError()), 500) + "); Stripe no longer deduplicates "
                    + "its idempotency key. Look for a credit note on " + request.stripeInvoiceId()
                    + " with metadata request_key=" + request.requestKey() + " in Stripe before asking again");
            return new Decision.Settled(request);
        }
        request.sendStarting();
        return new Decision.Send(request);
    }

    /** Issued, and its email's work created in the same transaction; returns the work item to wake. */
    @Transactional
    public Issued issued(long id, String creditNoteId, String number, Long total, String currency) {
        CreditNoteRequest request = em.find(CreditNoteRequest.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (CreditNoteRequest.ISSUED.equals(request.state())) {
            return new Issued(request, null);
        }
        request.issued(creditNoteId, number, total, currency, Clock.nowUtc());
        long workId = work.submit(EMAIL_KIND, Long.toString(request.id()));
        return new Issued(request, workId);
    }

    public record Issued(CreditNoteRequest request, Long workId) {
    }

    @Transactional
    public void sendFailed(long id, String error, boolean refused) {
        CreditNoteRequest request = em.find(CreditNoteRequest.class, id);
        if (CreditNoteRequest.PENDING.equals(request.state())) {
            if (refused) {
                request.failed(Texts.truncate(error, 2000));
            } else {
                request.sendFailed(Texts.truncate(error, 2000));
            }
        }
    }
}
