package com.adventive.billing.lifecycle.entity;

import com.adventive.billing.platform.entity.RequestSentOnceToStripe;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.LocalDateTime;

/**
 * A credit note an operator asked for, under a key derived from what was asked (and the optional
 * request_id), written before Stripe is called: one Stripe Credit Note per key, emailed once.
 */
@Entity
@Table(name = "credit_note_request")
public class CreditNoteRequest extends RequestSentOnceToStripe {

    public static final String ISSUED = "issued";
    /** Stripe refused it for good (4xx): a corrected request is a new one. */
    public static final String FAILED = "failed";
    /** First send started longer ago than Stripe keeps idempotency keys, never confirmed: an operator checks Stripe. */
    public static final String OUTCOME_UNKNOWN = "outcome_unknown";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "request_key")
    private String requestKey;

    @Column(name = "stripe_invoice_id")
    private String stripeInvoiceId;

    @Column(name = "acct_id")
    private String acctId;

    private Long amount;

    @Column(name = "lines_json")
    private String linesJson;

    private String reason;

    private String memo;

    @Column(name = "stripe_credit_note_id")
    private String stripeCreditNoteId;

    @Column(name = "credit_note_number")
    private String creditNoteNumber;

    private Long total;

    private String currency;

    @Column(name = "requested_by")
    private String requestedBy;

    @Column(name = "requested_at")
    private LocalDateTime requestedAt;

    @Column(name = "issued_at")
    private LocalDateTime issuedAt;

    protected CreditNoteRequest() {
    }

    public CreditNoteRequest(String requestKey, String stripeInvoiceId, String acctId, Long amount, String linesJson,
                             String reason, String memo, String requestedBy, LocalDateTime now) {
        super(PENDING);
        this.requestKey = requestKey;
        this.stripeInvoiceId = stripeInvoiceId;
        this.acctId = acctId;
        this.amount = amount;
        this.linesJson = linesJson;
        this.reason = reason;
        this.memo = memo;
        this.requestedBy = requestedBy;
        this.requestedAt = now;
    }

    /** The request's time stands for its first attempt's start: what Stripe's idempotency window counts from. */
    @Override
    protected LocalDateTime idempotencyWindowStart() {
        return sendAttempts() > 0 ? requestedAt : null;
    }

    @Override
    protected void sendStarting(LocalDateTime now) {
        countAttempt();
    }

    @Override
    protected String neverConfirmed() {
        return "requested at " + requestedAt + " UTC and never confirmed";
    }

    @Override
    protected String whereToLook() {
        return "Look for a credit note on " + stripeInvoiceId + " with metadata request_key=" + requestKey
                + " in Stripe before asking again";
    }

    public void issued(String creditNoteId, String number, Long total, String currency, LocalDateTime now) {
        confirmed(ISSUED);
        stripeCreditNoteId = creditNoteId;
        creditNoteNumber = number;
        this.total = total;
        this.currency = currency;
        issuedAt = now;
    }

    public Long id() { return id; }
    public String requestKey() { return requestKey; }
    public String stripeInvoiceId() { return stripeInvoiceId; }
    public String acctId() { return acctId; }
    public Long amount() { return amount; }
    public String linesJson() { return linesJson; }
    public String reason() { return reason; }
    public String memo() { return memo; }
    public String stripeCreditNoteId() { return stripeCreditNoteId; }
    public String creditNoteNumber() { return creditNoteNumber; }
    public Long total() { return total; }
    public String currency() { return currency; }
    public String requestedBy() { return requestedBy; }
    public LocalDateTime requestedAt() { return requestedAt; }
    public LocalDateTime issuedAt() { return issuedAt; }
}
