package com.adventive.billing.lifecycle.control;

import com.adventive.billing.invoice.entity.BillingAccount;
import com.adventive.billing.lifecycle.entity.AccountSubscription;
import com.adventive.billing.lifecycle.entity.CopyOrder;
import com.adventive.billing.lifecycle.entity.CustomerSnapshot;
import com.adventive.billing.lifecycle.entity.ObjectCopy;
import com.adventive.billing.lifecycle.entity.StripeCustomer;
import com.adventive.billing.lifecycle.entity.StripeObjectRecord;
import com.adventive.billing.lifecycle.entity.SubscriptionSnapshot;
import com.adventive.billing.platform.control.Clock;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Stores customers and subscriptions copy by copy, each step in its own short transaction. Two
 * workers storing the same object at once conflict on its version (or key); the loser's work is
 * retried and compares again, which is safe because comparing and replacing is idempotent.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRES_NEW)
public class AccountRecords {

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    /** What became of one copy: stored, already known, or not placeable (the caller asks Stripe). */
    public enum Applied { STORED, UNCHANGED, STALE }

    public Applied customer(CustomerSnapshot copy, ObjectCopy from) {
        return apply(StripeCustomer.class, copy.customerId(), () -> new StripeCustomer(copy.customerId()), copy, from,
                () -> accountOf(copy.customerId(), copy.metadataAcctId()));
    }

    /** Without Stripe to ask: a copy of the same moment settles by a fixed rule; an older one changes nothing. */
    public Applied customerWithoutStripe(CustomerSnapshot copy, ObjectCopy from) {
        return applyWithoutStripe(StripeCustomer.class, copy.customerId(), copy, from,
                () -> accountOf(copy.customerId(), copy.metadataAcctId()));
    }

    public Applied subscription(SubscriptionSnapshot copy, ObjectCopy from) {
        return apply(AccountSubscription.class, copy.subscriptionId(), () -> new AccountSubscription(copy.subscriptionId()),
                copy, from, () -> accountOf(copy.customerId(), copy.metadataAcctId()));
    }

    public Applied subscriptionWithoutStripe(SubscriptionSnapshot copy, ObjectCopy from) {
        return applyWithoutStripe(AccountSubscription.class, copy.subscriptionId(), copy, from,
                () -> accountOf(copy.customerId(), copy.metadataAcctId()));
    }

    private <C, R extends StripeObjectRecord<C>> Applied apply(Class<R> type, String id, Supplier<R> fresh, C copy,
                                                              ObjectCopy from, Supplier<String> resolvedAcctId) {
        R row = em.find(type, id);
        boolean created = row == null;
        if (created) {
            row = fresh.get();
        }
        CopyOrder order = row.compare(copy, from);
        if (order != CopyOrder.NEWER) {
            return order == CopyOrder.SAME ? Applied.UNCHANGED : Applied.STALE;
        }
        row.replaceWith(copy, resolvedAcctId.get(), from, Clock.nowUtc());
        if (created) {
            em.persist(row);
        }
        em.flush();
        return Applied.STORED;
    }

    private <C, R extends StripeObjectRecord<C>> Applied applyWithoutStripe(Class<R> type, String id, C copy,
                                                                           ObjectCopy from, Supplier<String> resolvedAcctId) {
        R row = em.find(type, id);
        if (row == null || !row.settlesTieFor(copy, from)) {
            return Applied.UNCHANGED;
        }
        row.replaceWith(copy, resolvedAcctId.get(), from, Clock.nowUtc());
        em.flush();
        return Applied.STORED;
    }

    /**
     * The customer's newest known email for an account, if that copy describes a moment at or after
     * {@code since}: an address older than the invoice itself is already on the invoice.
     */
    public Optional<String> emailSince(String acctId, LocalDateTime since) {
        return customerOfAccount(acctId)
                .filter(c -> c.email() != null && (since == null || !c.asOf().isBefore(since)))
                .map(StripeCustomer::email);
    }

    public Optional<StripeCustomer> customerOfAccount(String acctId) {
        BillingAccount account = em.find(BillingAccount.class, acctId);
        if (account != null && account.stripeCustomerId() != null) {
            return Optional.ofNullable(em.find(StripeCustomer.class, account.stripeCustomerId()));
        }
        return em.createQuery("SELECT c FROM StripeCustomer c WHERE c.acctId = :acct ORDER BY c.asOf DESC",
                StripeCustomer.class).setParameter("acct", acctId).setMaxResults(1).getResultStream().findFirst();
    }

    public List<AccountSubscription> subscriptionsOf(String acctId) {
        return em.createQuery("SELECT s FROM AccountSubscription s WHERE s.acctId = :acct ORDER BY s.stripeSubscriptionId",
                AccountSubscription.class).setParameter("acct", acctId).getResultList();
    }

    /** The account table decides; the object's acct_id metadata only names accounts of customers without a row. */
    private String accountOf(String customerId, String metadataAcctId) {
        if (customerId != null) {
            List<String> rows = em.createQuery("SELECT a.acctId FROM BillingAccount a WHERE a.stripeCustomerId = :c",
                    String.class).setParameter("c", customerId).getResultList();
            if (!rows.isEmpty()) {
                return rows.get(0);
            }
        }
        return metadataAcctId;
    }
}
