package com.adventive.billing.invoice.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.LocalDateTime;
import java.util.Objects;

/**
 * An account the worker knows, the Stripe customer it is billed through, and which system bills it
 * during the cohort-by-cohort migration. A row for an invoice's customer outranks any acct_id
 * metadata in Stripe.
 */
@Entity
@Table(name = "billing_account")
public class BillingAccount {

    /** Still billed by the legacy system: the worker renders and emails nothing for it. */
    public static final String BILLED_BY_LEGACY = "legacy";
    /** Billed through Stripe by this worker. */
    public static final String BILLED_BY_STRIPE = "stripe";

    @Id
    @Column(name = "acct_id")
    private String acctId;

    @Column(name = "stripe_customer_id")
    private String stripeCustomerId;

    @Column(name = "billed_by")
    private String billedBy;

    @Column(name = "display_name")
    private String displayName;

    @Column(name = "updated_at")
    private LocalDateTime updatedAt;

    @Column(name = "updated_by")
    private String updatedBy;

    protected BillingAccount() {
    }

    public BillingAccount(String acctId, String stripeCustomerId, String billedBy, String updatedBy,
                          LocalDateTime now) {
        this.acctId = acctId;
        this.stripeCustomerId = stripeCustomerId;
        this.billedBy = billedBy;
        this.updatedBy = updatedBy;
        this.updatedAt = now;
    }

    /**
     * Maps the account to a customer and a billing system. Answers whether anything changed; a
     * repeated identical request leaves who-changed-it-when as it was.
     */
    public boolean assign(String stripeCustomerId, String billedBy, String updatedBy, LocalDateTime now) {
        if (Objects.equals(this.stripeCustomerId, stripeCustomerId) && Objects.equals(this.billedBy, billedBy)) {
            return false;
        }
        this.stripeCustomerId = stripeCustomerId;
        this.billedBy = billedBy;
        this.updatedBy = updatedBy;
        this.updatedAt = now;
        return true;
    }

    public String acctId() { return acctId; }
    public String stripeCustomerId() { return stripeCustomerId; }
    public String billedBy() { return billedBy; }
    public String displayName() { return displayName; }
    public LocalDateTime updatedAt() { return updatedAt; }
    public String updatedBy() { return updatedBy; }

    public boolean billedByLegacy() {
        return BILLED_BY_LEGACY.equals(billedBy);
    }

    /** The row names a customer, and it is not this one: the account belongs to someone else. */
    public boolean belongsToAnotherCustomerThan(String customerId) {
        return stripeCustomerId != null && !stripeCustomerId.equals(customerId);
    }
}
