package com.adventive.billing.invoice.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.LocalDateTime;

/**
 * One rendering of an invoice PDF, kept for good: a render whose bytes differ from every earlier
 * one becomes the next version under its own key, so the copy a customer received is never
 * overwritten. Version 1 lives at the contract key {acct_id}/{inv_uuid}.pdf, version n at
 * {acct_id}/{inv_uuid}.v{n}.pdf. {@code storedAt} is null while the version is reserved but its
 * object not yet written.
 */
@Entity
@Table(name = "invoice_pdf_version")
public class InvoicePdfVersion {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "stripe_invoice_id")
    private String stripeInvoiceId;

    @Column(name = "version_number")
    private int versionNumber;

    @Column(name = "pdf_key")
    private String pdfKey;

    private String sha256;

    @Column(name = "size_bytes")
    private long sizeBytes;

    private int pages;

    @Column(name = "created_at")
    private LocalDateTime createdAt;

    @Column(name = "stored_at")
    private LocalDateTime storedAt;

    protected InvoicePdfVersion() {
    }

    public InvoicePdfVersion(String stripeInvoiceId, int versionNumber, String pdfKey, String sha256, long sizeBytes,
                             int pages, LocalDateTime now) {
        this.stripeInvoiceId = stripeInvoiceId;
        this.versionNumber = versionNumber;
        this.pdfKey = pdfKey;
        this.sha256 = sha256;
        this.sizeBytes = sizeBytes;
        this.pages = pages;
        this.createdAt = now;
    }

    /** The key of version {@code number} of an invoice whose first version lives at {@code contractKey}. */
    public static String keyOf(String contractKey, int number) {
        if (number < 1) {
            throw new IllegalArgumentException("versions start at 1");
        }
        return number == 1 ? contractKey : contractKey.substring(0, contractKey.length() - ".pdf".length())
                + ".v" + number + ".pdf";
    }

    public void stored(LocalDateTime now) {
        if (storedAt == null) {
            storedAt = now;
        }
    }

    public Long id() { return id; }
    public String stripeInvoiceId() { return stripeInvoiceId; }
    public int versionNumber() { return versionNumber; }
    public String pdfKey() { return pdfKey; }
    public String sha256() { return sha256; }
    public long sizeBytes() { return sizeBytes; }
    public int pages() { return pages; }
    public LocalDateTime createdAt() { return createdAt; }
    public LocalDateTime storedAt() { return storedAt; }

    public boolean isStored() {
        return storedAt != null;
    }
}
