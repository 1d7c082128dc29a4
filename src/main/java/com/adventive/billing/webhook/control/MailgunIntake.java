package com.adventive.billing.webhook.control;

import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.platform.control.Clock;
import com.adventive.billing.webhook.entity.MailgunEvent;
import com.adventive.billing.webhook.entity.MailgunSignature;
import com.adventive.billing.webhook.entity.MailgunToken;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.LocalDateTime;

/**
 * Takes a verified Mailgun webhook: its token is written down (a token already seen is a replay:
 * 406, nothing done) and the event is handed to whoever owns its effects, by a synchronous CDI event
 * in the same transaction. So the token, the delivery status and any suppression are committed
 * together or not at all, and a request that could not be kept leaves no token behind to refuse its
 * resend.
 */
@ApplicationScoped
public class MailgunIntake {

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    @Inject
    Event<MailgunEvent> deliveryEvents;

    /** Records the token; then, for a tracked event (non-null), lets its observers apply it. */
    @Transactional
    public void accept(MailgunSignature signature, MailgunEvent event) {
        if (em.find(MailgunToken.class, signature.token()) != null) {
            throw replayed();
        }
        em.persist(new MailgunToken(signature.token(), Clock.fromEpochSecond(signature.epochSecond()), Clock.nowUtc()));
        em.flush(); // a concurrent request with the same token fails here or at commit, never both succeed
        if (event != null) {
            deliveryEvents.fire(event);
        }
    }

    /** Whether the token is on record (after a failed accept: was it a concurrent replay?). */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean tokenSeen(String token) {
        return em.find(MailgunToken.class, token) != null;
    }

    /** Forgets tokens whose signature is too old to pass the staleness check anyway. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int forgetTokensSignedBefore(LocalDateTime cutoff) {
        return em.createQuery("DELETE FROM MailgunToken t WHERE t.signedAt < :cutoff")
                .setParameter("cutoff", cutoff).executeUpdate();
    }

    public static BillingProblem replayed() {
        // 406: Mailgun does not retry it; the token's first request was taken and its event kept.
        return new BillingProblem(406, "token_replayed",
                "this Mailgun token was already used; each signed request is accepted once");
    }
}
