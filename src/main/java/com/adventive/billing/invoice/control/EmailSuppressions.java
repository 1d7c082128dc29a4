package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.EmailSuppression;
import com.adventive.billing.platform.control.Clock;
import com.adventive.billing.platform.control.MailGateway;
import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.platform.entity.Texts;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The suppression list: recipients the worker must not email ({@link InvoiceMailer} checks it before
 * every send). Filled by the email provider's reports (a permanent failure or a complaint) and by
 * operators; emptied only by operators. Addresses are kept lower-case, as the mailer looks them up.
 * Every addition and removal is an operational event ({@value #SUPPRESSED}, {@value #REMOVED}).
 */
@ApplicationScoped
@Transactional
public class EmailSuppressions {

    public static final String SUPPRESSED = "recipient_suppressed";
    public static final String REMOVED = "suppression_removed";
    static final int MAX_ADDRESS = 320;
    static final int MAX_REASON = 200;
    static final int MAX_BY = 320;

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    @Inject
    OperationalLog operationalLog;

    /** The address as the list keeps it (lower-case), if it is a single plain email address. */
    public static Optional<String> normalized(String address) {
        return MailGateway.deliverableAddress(address)
                .map(a -> a.toLowerCase(Locale.ROOT))
                .filter(a -> a.length() <= MAX_ADDRESS);
    }

    public Optional<EmailSuppression> find(String address) {
        return normalized(address).map(a -> em.find(EmailSuppression.class, a));
    }

    /** A page in address order, after the given address (exclusive). */
    public List<EmailSuppression> list(String after, int limit) {
        TypedQuery<EmailSuppression> query = em.createQuery("SELECT s FROM EmailSuppression s"
                + (after == null ? "" : " WHERE s.email > :after") + " ORDER BY s.email", EmailSuppression.class);
        if (after != null) {
            query.setParameter("after", after.toLowerCase(Locale.ROOT));
        }
        return query.setMaxResults(limit).getResultList();
    }

    /**
     * Puts the address on the list unless it is there already (the first reason stays). True when it
     * was added. Joins the caller's transaction: a provider report's suppression commits with the report.
     */
    public boolean suppress(String address, String reason, String source, String createdBy, OperationalContext context) {
        String email = normalized(address).orElseThrow(() -> new IllegalArgumentException("not an email address"));
        if (em.find(EmailSuppression.class, email) != null) {
            return false;
        }
        String why = reason == null ? null : Texts.truncate(reason, MAX_REASON);
        em.persist(new EmailSuppression(email, why, source,
                createdBy == null ? null : Texts.truncate(createdBy, MAX_BY), Clock.nowUtc()));
        em.flush();
        operationalLog.record(context, SUPPRESSED, email + " added to the suppression list by "
                + (createdBy == null ? source : createdBy) + (why == null ? "" : ": " + why));
        return true;
    }

    /** Takes the address off the list; the removed entry, or empty when it was not on it. */
    public Optional<EmailSuppression> remove(String address, String removedBy) {
        Optional<EmailSuppression> entry = find(address);
        entry.ifPresent(e -> {
            em.remove(e);
            em.flush();
            operationalLog.record(new OperationalContext(null, null, null, null), REMOVED, e.email()
                    + " removed from the suppression list by " + removedBy + " (it was there since " + e.createdAt()
                    + (e.reason() == null ? "" : ": " + e.reason()) + ")");
        });
        return entry;
    }
}
