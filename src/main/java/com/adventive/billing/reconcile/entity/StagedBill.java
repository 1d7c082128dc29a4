package com.adventive.billing.reconcile.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.util.Objects;

/** One Stripe invoice of a run's period, as its batch job staged it (the bill as JSON). */
@Entity
@Table(name = "reconcile_bill")
@IdClass(StagedBill.Key.class)
public class StagedBill {

    @Id
    @Column(name = "run_id")
    private long runId;

    @Id
    @Column(name = "invoice_id")
    private String invoiceId;

    @Column(name = "acct_id")
    private String acctId;

    @Lob
    private String bill;

    protected StagedBill() {
    }

    public StagedBill(long runId, String invoiceId, String acctId, String billJson) {
        this.runId = runId;
        this.invoiceId = invoiceId;
        this.acctId = acctId;
        this.bill = billJson;
    }

    public String invoiceId() { return invoiceId; }
    public String acctId() { return acctId; }
    public String billJson() { return bill; }

    public static class Key implements Serializable {
        private long runId;
        private String invoiceId;

        public Key() {
        }

        public Key(long runId, String invoiceId) {
            this.runId = runId;
            this.invoiceId = invoiceId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.runId == runId && Objects.equals(k.invoiceId, invoiceId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(runId, invoiceId);
        }
    }
}
