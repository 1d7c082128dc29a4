package com.adventive.billing.lifecycle.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * A refunded charge, a credit note or a dispute, merged from every copy its events carried. Like
 * {@link InvoiceLifecycle} the merge is order- and duplicate-proof: the status is the furthest along
 * (a dispute's needs_response → under_review → won | lost, a credit note's issued → void, a charge's
 * partially → fully refunded), amounts only grow, references and deadlines once known stay.
 */
@Entity
@Table(name = "invoice_adjustment")
public class InvoiceAdjustment {

    private static final Map<String, Integer> PROGRESSION = Map.ofEntries(
            Map.entry("partially_refunded", 0), Map.entry("refunded", 1),
            Map.entry("issued", 0), Map.entry("void", 1),
            Map.entry("warning_needs_response", 0), Map.entry("needs_response", 0),
            Map.entry("warning_under_review", 1), Map.entry("under_review", 1),
            Map.entry("warning_closed", 2), Map.entry("won", 2), Map.entry("lost", 2), Map.entry("prevented", 2));

    @Id
    @Column(name = "stripe_object_id")
    private String stripeObjectId;

    private String kind;

    @Column(name = "stripe_invoice_id")
    private String stripeInvoiceId;

    @Column(name = "charge_id")
    private String chargeId;

    private String status;

    private String reason;

    private Long amount;

    private String currency;

    @Column(name = "evidence_due_by")
    private LocalDateTime evidenceDueBy;

    @Version
    @Column(name = "row_version")
    private long rowVersion;

    @Column(name = "updated_at")
    private LocalDateTime updatedAt;

    protected InvoiceAdjustment() {
    }

    public InvoiceAdjustment(String stripeObjectId, String kind, LocalDateTime now) {
        this.stripeObjectId = stripeObjectId;
        this.kind = kind;
        this.updatedAt = now;
    }

    public void merge(AdjustmentSnapshot copy, LocalDateTime now) {
        stripeInvoiceId = min(stripeInvoiceId, copy.invoiceId());
        chargeId = min(chargeId, copy.chargeId());
        currency = min(currency, copy.currency());
        reason = max(reason, copy.reason());
        amount = amount == null ? copy.amount() : copy.amount() == null ? amount : Math.max(amount, copy.amount());
        LocalDateTime due = copy.evidenceDueBy() == null ? null
                : LocalDateTime.ofInstant(copy.evidenceDueBy(), ZoneOffset.UTC);
        evidenceDueBy = evidenceDueBy == null ? due : due == null || !due.isAfter(evidenceDueBy) ? evidenceDueBy : due;
        status = furthest(status, copy.status());
        updatedAt = now;
    }

    static String furthest(String a, String b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        int ra = PROGRESSION.getOrDefault(a, -1);
        int rb = PROGRESSION.getOrDefault(b, -1);
        if (ra != rb) {
            return ra > rb ? a : b;
        }
        return a.compareTo(b) >= 0 ? a : b; // same rank, different words: any fixed choice keeps the merge order-free
    }

    private static String min(String a, String b) {
        return a == null ? b : b == null || a.compareTo(b) <= 0 ? a : b;
    }

    private static String max(String a, String b) {
        return a == null ? b : b == null || a.compareTo(b) >= 0 ? a : b;
    }

    public String stripeObjectId() { return stripeObjectId; }
    public String kind() { return kind; }
    public String stripeInvoiceId() { return stripeInvoiceId; }
    public String chargeId() { return chargeId; }
    public String status() { return status; }
    public String reason() { return reason; }
    public Long amount() { return amount; }
    public String currency() { return currency; }
    public LocalDateTime evidenceDueBy() { return evidenceDueBy; }
    public LocalDateTime updatedAt() { return updatedAt; }
}
