package com.adventive.billing.lifecycle.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.Objects;

/**
 * A Stripe customer as its newest known copy describes it (customer.updated, or fetched from
 * Stripe): the email the next invoice email goes to. An older copy never replaces a newer one.
 */
@Entity
@Table(name = "stripe_customer")
public class StripeCustomer extends StripeObjectRecord<CustomerSnapshot> {

    @Id
    @Column(name = "stripe_customer_id")
    private String stripeCustomerId;

    @Column(name = "acct_id")
    private String acctId;

    private String email;

    protected StripeCustomer() {
    }

    public StripeCustomer(String stripeCustomerId) {
        this.stripeCustomerId = stripeCustomerId;
    }

    @Override
    protected boolean sameContent(CustomerSnapshot copy) {
        return Objects.equals(email, copy.email());
    }

    @Override
    protected void takeContent(CustomerSnapshot copy, String resolvedAcctId) {
        email = copy.email();
        acctId = resolvedAcctId != null ? resolvedAcctId : acctId;
    }

    /** The greater email wins a tie; no email ranks below any. */
    @Override
    protected int compareContent(CustomerSnapshot copy) {
        return copy.email() == null ? (email == null ? 0 : -1) : email == null ? 1 : copy.email().compareTo(email);
    }

    public String stripeCustomerId() { return stripeCustomerId; }
    public String acctId() { return acctId; }
    public String email() { return email; }
}
