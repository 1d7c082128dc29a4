package com.adventive.billing.platform.control;

import com.adventive.billing.platform.entity.RequestSentOnceToStripe;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.Duration;

/**
 * The steps every request sent once to Stripe takes (credit notes, managed jobs): written down, its
 * send started, its failure recorded; each in its own short transaction, so nothing is held across
 * the Stripe call itself.
 */
@ApplicationScoped
public class RequestSendLedger {

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    /** Writes the request down before Stripe is asked; a concurrent insert of the same request fails on its unique key. */
    @Transactional
    public <T extends RequestSentOnceToStripe> T insert(T request) {
        em.persist(request);
        em.flush();
        return request;
    }

    /** Send now, or the state the request is settled in. */
    public sealed interface Decision<T extends RequestSentOnceToStripe> {
        T request();

        record Send<T extends RequestSentOnceToStripe>(T request) implements Decision<T> { }

        record Settled<T extends RequestSentOnceToStripe>(T request) implements Decision<T> { }
    }

    /** Under a row lock, so two instances asked the same thing at once send it once (see {@link RequestSentOnceToStripe#startSend}). */
    @Transactional
    public <T extends RequestSentOnceToStripe> Decision<T> startSend(Class<T> kind, long id, Duration resendWindow) {
        T request = em.find(kind, id, LockModeType.PESSIMISTIC_WRITE);
        return request.startSend(Clock.nowUtc(), resendWindow)
                ? new Decision.Send<>(request) : new Decision.Settled<>(request);
    }

    @Transactional
    public <T extends RequestSentOnceToStripe> void sendFailed(Class<T> kind, long id, String error, boolean refused) {
        em.find(kind, id).sendFailed(error, refused);
    }
}
