package com.adventive.billing.lifecycle.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A Stripe customer as its newest known copy describes it (customer.updated, or fetched from
 * Stripe): the email the next invoice email goes to. An older copy never replaces a newer one.
 */
@Entity
@Table(name = "stripe_customer")
public class StripeCustomer implements StripeObjectRecord<CustomerSnapshot> {

    @Id
    @Column(name = "stripe_customer_id")
    private String stripeCustomerId;

    @Column(name = "acct_id")
    private String acctId;

    private String email;

    @Column(name = "as_of")
    private LocalDateTime asOf;

    private String source;

    @Column(name = "source_event_id")
    private String sourceEventId;

    @Version
    @Column(name = "row_version")
    private long rowVersion;

    @Column(name = "updated_at")
    private LocalDateTime updatedAt;

    protected StripeCustomer() {
    }

    public StripeCustomer(String stripeCustomerId) {
        this.stripeCustomerId = stripeCustomerId;
    }

    @Override
    public CopyOrder compare(CustomerSnapshot copy, ObjectCopy from) {
        return CopyOrder.of(asOf, utc(from), Objects.equals(email, copy.email()));
    }

    /** Takes the copy as the customer's current state; {@code acctId} is the account it resolves to now. */
    @Override
    public void replaceWith(CustomerSnapshot copy, String resolvedAcctId, ObjectCopy from, LocalDateTime now) {
        email = copy.email();
        acctId = resolvedAcctId != null ? resolvedAcctId : acctId;
        asOf = utc(from);
        source = from.source();
        sourceEventId = from.eventId();
        updatedAt = now;
    }

    /**
     * Without Stripe to ask, two different copies of the same moment are settled by a fixed rule
     * (the greater email), so the outcome still does not depend on the order they arrived in.
     */
    @Override
    public boolean settlesTieFor(CustomerSnapshot copy, ObjectCopy from) {
        return utc(from).equals(asOf) && compareNullable(copy.email(), email) > 0;
    }

    static int compareNullable(String a, String b) {
        return a == null ? (b == null ? 0 : -1) : b == null ? 1 : a.compareTo(b);
    }

    static LocalDateTime utc(ObjectCopy from) {
        return LocalDateTime.ofInstant(from.asOf(), ZoneOffset.UTC);
    }

    public String stripeCustomerId() { return stripeCustomerId; }
    public String acctId() { return acctId; }
    public String email() { return email; }
    public LocalDateTime asOf() { return asOf; }
    public String source() { return source; }
    public String sourceEventId() { return sourceEventId; }
    public LocalDateTime updatedAt() { return updatedAt; }
}
