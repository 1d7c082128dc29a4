package com.adventive.billing.invoice.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.LocalDateTime;

/** An account the worker knows, and which system bills it during the cohort-by-cohort migration. */
@Entity
@Table(name = "billing_account")
public class BillingAccount {

    public static final String BILLED_BY_WORKER = "worker";
    public static final String BILLED_BY_LEGACY = "legacy";

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

    protected BillingAccount() {
    }

    public BillingAccount(String acctId, String stripeCustomerId, String billedBy, String displayName, LocalDateTime now) {
        this.acctId = acctId;
        this.stripeCustomerId = stripeCustomerId;
        this.billedBy = billedBy;
        this.displayName = displayName;
        this.updatedAt = now;
    }

    public String acctId() { return acctId; }
    public String stripeCustomerId() { return stripeCustomerId; }
    public String billedBy() { return billedBy; }
    public String displayName() { return displayName; }

    public boolean billedByLegacy() {
        return BILLED_BY_LEGACY.equals(billedBy);
    }
}
