package com.adventive.billing.platform.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.LocalDateTime;

/** Something an operator may need to know happened (pdf_rendered, email_failed, double_billing_risk, ...). */
@Entity
@Table(name = "operational_event")
public class OperationalEvent {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "occurred_at")
    private LocalDateTime occurredAt;

    @Column(name = "event_type")
    private String eventType;

    @Column(name = "stripe_event_id")
    private String stripeEventId;

    @Column(name = "stripe_invoice_id")
    private String stripeInvoiceId;

    @Column(name = "acct_id")
    private String acctId;

    @Column(name = "work_item_id")
    private Long workItemId;

    private String detail;

    protected OperationalEvent() {
    }

    public OperationalEvent(LocalDateTime occurredAt, String eventType, String stripeEventId, String stripeInvoiceId,
                            String acctId, Long workItemId, String detail) {
        this.occurredAt = occurredAt;
        this.eventType = eventType;
        this.stripeEventId = stripeEventId;
        this.stripeInvoiceId = stripeInvoiceId;
        this.acctId = acctId;
        this.workItemId = workItemId;
        this.detail = detail;
    }

    public Long id() { return id; }
    public LocalDateTime occurredAt() { return occurredAt; }
    public String eventType() { return eventType; }
    public String stripeEventId() { return stripeEventId; }
    public String stripeInvoiceId() { return stripeInvoiceId; }
    public String acctId() { return acctId; }
    public Long workItemId() { return workItemId; }
    public String detail() { return detail; }
}
