package com.adventive.billing.lifecycle.control;

import com.adventive.billing.lifecycle.entity.CreditNoteRequest;
import com.adventive.billing.platform.control.Clock;
import com.adventive.billing.work.control.WorkSubmission;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.Optional;

/**
 * Credit note requests, each change in its own short transaction (nothing is held across the Stripe
 * call); starting and failing a send are {@link com.adventive.billing.platform.control.RequestSendLedger}'s.
 */
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
}
