package com.adventive.billing.invoice.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.LocalDateTime;

/** The worker's record of one Stripe invoice: its stable inv_uuid, account and stored PDF. */
@Entity
@Table(name = "billing_invoice")
public class BillingInvoice {

    @Id
    @Column(name = "stripe_invoice_id")
    private String stripeInvoiceId;

    @Column(name = "inv_uuid")
    private String invUuid;

    @Column(name = "acct_id")
    private String acctId;

    @Column(name = "invoice_number")
    private String invoiceNumber;

    private String currency;

    private Long total;

    @Column(name = "amount_due")
    private Long amountDue;

    @Column(name = "customer_email")
    private String customerEmail;

    @Column(name = "pdf_key")
    private String pdfKey;

    @Column(name = "pdf_sha256")
    private String pdfSha256;

    @Column(name = "pdf_size")
    private Long pdfSize;

    @Column(name = "pdf_pages")
    private Integer pdfPages;

    @Column(name = "pdf_stored_at")
    private LocalDateTime pdfStoredAt;

    @Column(name = "created_at")
    private LocalDateTime createdAt;

    @Column(name = "updated_at")
    private LocalDateTime updatedAt;

    protected BillingInvoice() {
    }

    public BillingInvoice(String stripeInvoiceId, String invUuid, String acctId, LocalDateTime now) {
        this.stripeInvoiceId = stripeInvoiceId;
        this.invUuid = invUuid;
        this.acctId = acctId;
        this.createdAt = now;
        this.updatedAt = now;
    }

    public void describe(String invoiceNumber, String currency, Long total, Long amountDue, String customerEmail,
                         LocalDateTime now) {
        this.invoiceNumber = invoiceNumber;
        this.currency = currency;
        this.total = total;
        this.amountDue = amountDue;
        this.customerEmail = customerEmail;
        this.updatedAt = now;
    }

    public void pdfStored(String key, String sha256, long size, int pages, LocalDateTime now) {
        this.pdfKey = key;
        this.pdfSha256 = sha256;
        this.pdfSize = size;
        this.pdfPages = pages;
        this.pdfStoredAt = now;
        this.updatedAt = now;
    }

    public String stripeInvoiceId() { return stripeInvoiceId; }
    public String invUuid() { return invUuid; }
    public String acctId() { return acctId; }
    public String invoiceNumber() { return invoiceNumber; }
    public String currency() { return currency; }
    public Long total() { return total; }
    public Long amountDue() { return amountDue; }
    public String customerEmail() { return customerEmail; }
    public String pdfKey() { return pdfKey; }
    public String pdfSha256() { return pdfSha256; }
    public Long pdfSize() { return pdfSize; }
    public Integer pdfPages() { return pdfPages; }
    public LocalDateTime pdfStoredAt() { return pdfStoredAt; }
    public LocalDateTime createdAt() { return createdAt; }

    /** The bucket key contract: {acct_id}/{inv_uuid}.pdf. */
    public String objectKey() {
        return acctId + "/" + invUuid + ".pdf";
    }
}
