package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.BillingAccount;
import com.adventive.billing.platform.control.Ids;
import com.adventive.billing.platform.control.StripeGateway;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.model.Invoice;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.util.Map;
import java.util.Optional;

/**
 * Finds which of our accounts an invoice belongs to. The account table decides: a row for the
 * invoice's Stripe customer is the answer, and acct_id metadata (invoice, subscription or customer)
 * that names another account is a conflict, not a second opinion. A customer the table marks as
 * billed by the legacy system is that account whatever the metadata says, and Stripe is not asked.
 *
 * <p>Only a customer without a row is resolved from metadata, the most specific source first
 * (invoice, subscription, customer). Even then the metadata cannot claim an account whose row
 * belongs to another customer: its PDF would land under that account's key prefix. Nothing is
 * guessed: no answer means the invoice is not worked.
 */
@ApplicationScoped
public class AccountResolver {

    static final String METADATA_KEY = "acct_id";

    @Inject
    StripeGateway stripe;

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    /** What the resolution found; exactly one of the three. */
    public sealed interface Resolution {

        /**
         * The invoice belongs to {@code acctId}.
         *
         * @param account        its row, when the table has one (absent only for metadata-resolved accounts)
         * @param metadataAcctId what the metadata named when the table decided otherwise for a legacy
         *                       customer (for the operator's event), else null
         */
        record Resolved(String acctId, Optional<BillingAccount> account, String metadataAcctId)
                implements Resolution {
        }

        /** The account table and the metadata disagree; {@code acctId} is the account the event is filed under. */
        record Conflict(String acctId, String detail) implements Resolution {
        }

        record Unresolved(String problem) implements Resolution {
        }
    }

    /** An acct_id found in metadata, and where. */
    private record Named(String acctId, String source) {
    }

    public Resolution resolve(Invoice invoice) throws StripeException {
        Optional<String> customerId = Ids.CUSTOMER.valid(invoice.getCustomer());
        Optional<BillingAccount> row = customerId.flatMap(this::accountOfCustomer);
        if (row.isPresent()) {
            return fromTable(invoice, customerId.get(), row.get());
        }
        return fromMetadata(invoice, customerId.orElse(null));
    }

    public Optional<BillingAccount> account(String acctId) {
        return Optional.ofNullable(em.find(BillingAccount.class, acctId));
    }

    private Optional<BillingAccount> accountOfCustomer(String customerId) {
        return em.createQuery("SELECT a FROM BillingAccount a WHERE a.stripeCustomerId = :customer",
                        BillingAccount.class)
                .setParameter("customer", customerId)
                .getResultStream().findFirst();
    }

    private Resolution fromTable(Invoice invoice, String customerId, BillingAccount account) throws StripeException {
        if (!Ids.ACCOUNT.matches(account.acctId())) {
            return new Resolution.Unresolved("the account row of customer " + customerId
                    + " has a malformed acct_id; it must never reach a bucket key");
        }
        if (account.billedByLegacy()) {
            // No Stripe call: refusing a legacy customer must not depend on Stripe answering.
            String named = fromInvoiceOrSubscription(invoice).map(Named::acctId)
                    .filter(acct -> !acct.equals(account.acctId())).orElse(null);
            return new Resolution.Resolved(account.acctId(), Optional.of(account), named);
        }
        Optional<Named> named = namedInMetadata(invoice, Optional.of(customerId));
        if (named.isPresent() && !named.get().acctId().equals(account.acctId())) {
            return new Resolution.Conflict(account.acctId(), "customer " + customerId + " is account "
                    + account.acctId() + " in the account table, but " + named.get().source() + " metadata names "
                    + named.get().acctId() + "; no PDF or email until they agree");
        }
        return new Resolution.Resolved(account.acctId(), Optional.of(account), null);
    }

    private Resolution fromMetadata(Invoice invoice, String customerId) throws StripeException {
        Optional<Named> named = namedInMetadata(invoice, Optional.ofNullable(customerId));
        if (named.isEmpty()) {
            return new Resolution.Unresolved(customerId == null
                    ? "invoice has no acct_id metadata and no valid customer id"
                    : "no account row for customer " + customerId
                    + " and no acct_id in invoice, subscription or customer metadata");
        }
        String acctId = named.get().acctId();
        Optional<BillingAccount> account = account(acctId);
        if (account.isPresent() && account.get().belongsToAnotherCustomerThan(customerId)) {
            return new Resolution.Conflict(acctId, named.get().source() + " metadata names " + acctId
                    + ", but the account table maps " + acctId + " to customer " + account.get().stripeCustomerId()
                    + ", not to the invoice's customer " + (customerId == null ? "(none)" : customerId)
                    + "; no PDF or email under another customer's account");
        }
        return new Resolution.Resolved(acctId, account, null);
    }

    /** The most specific acct_id metadata: invoice, then subscription, then the customer (Stripe API). */
    private Optional<Named> namedInMetadata(Invoice invoice, Optional<String> customerId) throws StripeException {
        Optional<Named> named = fromInvoiceOrSubscription(invoice);
        if (named.isPresent() || customerId.isEmpty()) {
            return named;
        }
        return valid(customerMetadata(customerId.get())).map(acct -> new Named(acct, "customer"));
    }

    private static Optional<Named> fromInvoiceOrSubscription(Invoice invoice) {
        Optional<String> fromInvoice = valid(invoice.getMetadata());
        if (fromInvoice.isPresent()) {
            return fromInvoice.map(acct -> new Named(acct, "invoice"));
        }
        return valid(subscriptionMetadata(invoice)).map(acct -> new Named(acct, "subscription"));
    }

    private Map<String, String> customerMetadata(String customerId) throws StripeException {
        try {
            Customer customer = stripe.retrieveCustomer(customerId);
            return customer.getMetadata();
        } catch (InvalidRequestException e) {
            return Map.of(); // deleted or unknown customer: it names no account
        }
    }

    private static Map<String, String> subscriptionMetadata(Invoice invoice) {
        if (invoice.getParent() != null && invoice.getParent().getSubscriptionDetails() != null) {
            return invoice.getParent().getSubscriptionDetails().getMetadata();
        }
        return null;
    }

    /** A present but malformed acct_id is treated as absent: it must never reach a bucket key. */
    private static Optional<String> valid(Map<String, String> metadata) {
        if (metadata == null) {
            return Optional.empty();
        }
        return Ids.ACCOUNT.valid(metadata.get(METADATA_KEY));
    }
}
