package com.adventive.billing.admin.control;

import com.adventive.billing.admin.entity.AccountViews.AccountPage;
import com.adventive.billing.admin.entity.AccountViews.AccountView;
import com.adventive.billing.invoice.entity.BillingAccount;
import com.adventive.billing.platform.control.Clock;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.platform.control.OperationalLog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The account table as operators edit it while cohorts move from the legacy system to the worker:
 * which Stripe customer an account is, and which system bills it. One customer maps to one account
 * (the column is unique; this class answers the clash instead of letting the database refuse it).
 * Every change leaves an {@value #ACCOUNT_CHANGED} operational event with the before and after.
 */
@ApplicationScoped
public class AccountDirectory {

    public static final Set<String> BILLED_BY = Set.of(BillingAccount.BILLED_BY_LEGACY, BillingAccount.BILLED_BY_STRIPE);
    static final String ACCOUNT_CHANGED = "account_changed";
    private static final int MAX_UPDATED_BY = 320;

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    @Inject
    OperationalLog operationalLog;

    /** What a PUT did. */
    public sealed interface PutOutcome {
        record Stored(AccountView account, boolean created) implements PutOutcome {
        }

        /** The customer already is another account; nothing was changed. */
        record CustomerTaken(String ownerAcctId) implements PutOutcome {
        }
    }

    @Transactional
    public Optional<AccountView> find(String acctId) {
        return Optional.ofNullable(em.find(BillingAccount.class, acctId)).map(AccountDirectory::view);
    }

    /** The account a customer is mapped to, if any. */
    @Transactional
    public Optional<String> ownerOf(String stripeCustomerId) {
        return em.createQuery("SELECT a.acctId FROM BillingAccount a WHERE a.stripeCustomerId = :customer",
                        String.class)
                .setParameter("customer", stripeCustomerId)
                .getResultStream().findFirst();
    }

    /** Accounts in acct_id order, optionally of one billing system, after the given acct_id. */
    @Transactional
    public AccountPage list(String billedBy, String afterAcctId, int limit) {
        StringBuilder jpql = new StringBuilder("SELECT a FROM BillingAccount a WHERE 1 = 1");
        if (billedBy != null) {
            jpql.append(" AND a.billedBy = :billedBy");
        }
        if (afterAcctId != null) {
            jpql.append(" AND a.acctId > :after");
        }
        jpql.append(" ORDER BY a.acctId");
        TypedQuery<BillingAccount> query = em.createQuery(jpql.toString(), BillingAccount.class);
        if (billedBy != null) {
            query.setParameter("billedBy", billedBy);
        }
        if (afterAcctId != null) {
            query.setParameter("after", afterAcctId);
        }
        List<BillingAccount> rows = query.setMaxResults(limit + 1).getResultList();
        List<AccountView> items = rows.stream().limit(limit).map(AccountDirectory::view).toList();
        return new AccountPage(items, rows.size() > limit ? items.get(items.size() - 1).acctId() : null);
    }

    /**
     * Creates the account or maps it anew. A concurrent PUT that takes the same customer or creates
     * the same account first makes this one fail on the database's constraint (a PersistenceException
     * out of the rolled-back transaction); the caller decides what to answer with {@link #ownerOf}.
     */
    @Transactional
    public PutOutcome put(String acctId, String stripeCustomerId, String billedBy, String operator) {
        operator = operator.length() <= MAX_UPDATED_BY ? operator : operator.substring(0, MAX_UPDATED_BY);
        Optional<String> owner = ownerOf(stripeCustomerId).filter(other -> !other.equals(acctId));
        if (owner.isPresent()) {
            return new PutOutcome.CustomerTaken(owner.get());
        }
        LocalDateTime now = Clock.nowUtc();
        BillingAccount account = em.find(BillingAccount.class, acctId, LockModeType.PESSIMISTIC_WRITE);
        String change;
        boolean created = account == null;
        if (created) {
            account = new BillingAccount(acctId, stripeCustomerId, billedBy, operator, now);
            em.persist(account);
            change = "created: customer " + stripeCustomerId + ", billed_by " + billedBy;
        } else {
            String before = "customer " + account.stripeCustomerId() + ", billed_by " + account.billedBy();
            change = account.assign(stripeCustomerId, billedBy, operator, now)
                    ? "changed from " + before + " to customer " + stripeCustomerId + ", billed_by " + billedBy
                    : null;
        }
        em.flush(); // constraint clashes surface here, before the event says the change happened
        if (change != null) {
            operationalLog.record(new OperationalContext(null, null, acctId, null), ACCOUNT_CHANGED,
                    change + " by " + operator);
        }
        return new PutOutcome.Stored(view(account), created);
    }

    private static AccountView view(BillingAccount a) {
        return new AccountView(a.acctId(), a.stripeCustomerId(), a.billedBy(), a.displayName(),
                a.updatedAt() == null ? null : a.updatedAt().toInstant(ZoneOffset.UTC), a.updatedBy());
    }
}
