package com.adventive.billing.usage.entity;

import com.adventive.billing.platform.entity.RequestSentOnceToStripe;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.LocalDateTime;

/**
 * A one-off managed-service job billed as a Stripe InvoiceItem on the account's customer, once per
 * job_id: the row is written before Stripe is called, and the call carries an idempotency key
 * derived from the job_id. What was asked is never edited; only the state moves forward.
 */
@Entity
@Table(name = "managed_job")
public class ManagedJob extends RequestSentOnceToStripe {

    /** Stripe created the InvoiceItem; never sent again. */
    public static final String CREATED = "created";
    /** Stripe refused it for good (4xx); a corrected job needs a new job_id. */
    public static final String FAILED = "failed";
    /** A send started longer ago than Stripe keeps idempotency keys and was never confirmed: an operator checks Stripe. */
    public static final String OUTCOME_UNKNOWN = "outcome_unknown";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "job_id")
    private String jobId;

    @Column(name = "acct_id")
    private String acctId;

    @Column(name = "stripe_customer_id")
    private String stripeCustomerId;

    private String description;

    private long amount;

    private String currency;

    @Column(name = "idempotency_key")
    private String idempotencyKey;

    @Column(name = "stripe_invoice_item_id")
    private String stripeInvoiceItemId;

    @Column(name = "created_by")
    private String createdBy;

    @Column(name = "created_at")
    private LocalDateTime createdAt;

    @Column(name = "send_started_at")
    private LocalDateTime sendStartedAt;

    @Column(name = "created_in_stripe_at")
    private LocalDateTime createdInStripeAt;

    protected ManagedJob() {
    }

    public ManagedJob(String jobId, String acctId, String stripeCustomerId, String description, long amount,
                      String currency, String idempotencyKey, String createdBy, LocalDateTime now) {
        super(PENDING);
        this.jobId = jobId;
        this.acctId = acctId;
        this.stripeCustomerId = stripeCustomerId;
        this.description = description;
        this.amount = amount;
        this.currency = currency;
        this.idempotencyKey = idempotencyKey;
        this.createdBy = createdBy;
        this.createdAt = now;
    }

    /** Whether a repeated request asks for the same job; anything else is a conflict, not a retry. */
    public boolean sameAs(String acct, String desc, long amt, String cur) {
        return acctId.equals(acct) && description.equals(desc) && amount == amt && currency.equals(cur);
    }

    @Override
    protected LocalDateTime idempotencyWindowStart() {
        return sendStartedAt;
    }

    @Override
    protected void sendStarting(LocalDateTime now) {
        if (sendStartedAt == null) {
            sendStartedAt = now;
        }
        countAttempt();
    }

    @Override
    protected String neverConfirmed() {
        return "first send started at " + sendStartedAt + " UTC and was never confirmed";
    }

    @Override
    protected String whereToLook() {
        return "Look for an invoice item with metadata job_id=" + jobId
                + " on the customer in Stripe before billing it again under a new job_id";
    }

    public void created(String invoiceItemId, LocalDateTime now) {
        confirmed(CREATED);
        stripeInvoiceItemId = invoiceItemId;
        createdInStripeAt = now;
    }

    public Long id() { return id; }
    public String jobId() { return jobId; }
    public String acctId() { return acctId; }
    public String stripeCustomerId() { return stripeCustomerId; }
    public String description() { return description; }
    public long amount() { return amount; }
    public String currency() { return currency; }
    public String idempotencyKey() { return idempotencyKey; }
    public String stripeInvoiceItemId() { return stripeInvoiceItemId; }
    public String createdBy() { return createdBy; }
    public LocalDateTime createdAt() { return createdAt; }
    public LocalDateTime sendStartedAt() { return sendStartedAt; }
    public LocalDateTime createdInStripeAt() { return createdInStripeAt; }
}
