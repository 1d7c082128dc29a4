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
 * Finds which of our accounts an invoice belongs to, from the most specific source to the least:
 * invoice metadata, subscription metadata, customer metadata (Stripe API), our account table.
 * Nothing is guessed: no match means the invoice is not worked.
 */
@ApplicationScoped
public class AccountResolver {

    static final String METADATA_KEY = "acct_id";

    @Inject
    StripeGateway stripe;

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    public record Resolution(Optional<String> acctId, String problem) {
    }

    public Resolution resolve(Invoice invoice) throws StripeException {
        Optional<String> fromInvoice = fromMetadata(invoice.getMetadata());
        if (fromInvoice.isPresent()) {
            return found(fromInvoice);
        }
        Optional<String> fromSubscription = fromMetadata(subscriptionMetadata(invoice));
        if (fromSubscription.isPresent()) {
            return found(fromSubscription);
        }
        String customerId = invoice.getCustomer();
        if (!Ids.CUSTOMER.matches(customerId)) {
            return new Resolution(Optional.empty(), "invoice has no acct_id metadata and no valid customer id");
        }
        Optional<String> fromCustomer = fromMetadata(customerMetadata(customerId));
        if (fromCustomer.isPresent()) {
            return found(fromCustomer);
        }
        Optional<String> fromTable = em.createQuery(
                        "SELECT a.acctId FROM BillingAccount a WHERE a.stripeCustomerId = :customer", String.class)
                .setParameter("customer", customerId)
                .getResultStream().findFirst();
        if (fromTable.isPresent()) {
            return found(fromTable);
        }
        return new Resolution(Optional.empty(),
                "no acct_id in invoice, subscription or customer " + customerId + " metadata, and no account row");
    }

    public Optional<BillingAccount> account(String acctId) {
        return Optional.ofNullable(em.find(BillingAccount.class, acctId));
    }

    private static Resolution found(Optional<String> acctId) {
        return new Resolution(acctId, null);
    }

    private Map<String, String> customerMetadata(String customerId) throws StripeException {
        try {
            Customer customer = stripe.retrieveCustomer(customerId);
            return customer.getMetadata();
        } catch (InvalidRequestException e) {
            return Map.of(); // deleted or unknown customer: fall through to our own table
        }
    }

    private static Map<String, String> subscriptionMetadata(Invoice invoice) {
        if (invoice.getParent() != null && invoice.getParent().getSubscriptionDetails() != null) {
            return invoice.getParent().getSubscriptionDetails().getMetadata();
        }
        return null;
    }

    /** A present but malformed acct_id is treated as absent: it must never reach a bucket key. */
    private static Optional<String> fromMetadata(Map<String, String> metadata) {
        if (metadata == null) {
            return Optional.empty();
        }
        return Ids.ACCOUNT.valid(metadata.get(METADATA_KEY));
    }
}
