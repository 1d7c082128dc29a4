package com.adventive.billing.reconcile.control;

import com.adventive.billing.invoice.entity.BillingInvoice;
import com.adventive.billing.reconcile.entity.ReconciliationReport;
import com.adventive.billing.reconcile.entity.ReconciliationReport.Drift;
import com.adventive.billing.work.entity.WorkItem;
import com.adventive.billing.work.entity.WorkState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks the worker's own ledger for invoices that did not reach their customer: finalized
 * invoices whose work failed, invoices without a stored PDF, and invoices with no sent email
 * (unless the recipient is suppressed). The comparison of Stripe's billed amounts against metered
 * usage joins this report when usage reporting lands.
 */
@ApplicationScoped
public class DeliveryReconciliation {

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    /** What the delivery check found: its drifts, the accounts and the number of invoices it looked at. */
    public record Delivery(List<Drift> drifts, Set<String> accounts, long invoices) {
    }

    public ReconciliationReport run() {
        Delivery delivery = check(null);
        return ReconciliationReport.of(delivery.accounts().size(), delivery.invoices(), delivery.drifts());
    }

    /** Every invoice the worker handled (one account's when {@code account} is set), whatever its period. */
    public Delivery check(String account) {
        List<Drift> drifts = new ArrayList<>();
        var query = em.createQuery("SELECT i FROM BillingInvoice i"
                + (account == null ? "" : " WHERE i.acctId = :acct") + " ORDER BY i.createdAt", BillingInvoice.class);
        if (account != null) {
            query.setParameter("acct", account);
        }
        List<BillingInvoice> invoices = query.getResultList();
        Set<String> sent = new HashSet<>(em.createQuery(
                "SELECT DISTINCT d.stripeInvoiceId FROM EmailDelivery d WHERE d.status = 'sent'", String.class)
                .getResultList());
        Set<String> suppressed = new HashSet<>(em.createQuery("SELECT DISTINCT o.stripeInvoiceId FROM OperationalEvent o "
                + "WHERE o.eventType = 'email_suppressed'", String.class).getResultList());
        Set<String> accounts = new HashSet<>();
        for (BillingInvoice invoice : invoices) {
            accounts.add(invoice.acctId());
            if (invoice.pdfKey() == null) {
                drifts.add(new Drift("pdf_missing", invoice.stripeInvoiceId(), invoice.acctId(),
                        "no PDF stored; render it with POST /admin/render-pdf"));
            } else if (!sent.contains(invoice.stripeInvoiceId()) && !suppressed.contains(invoice.stripeInvoiceId())) {
                drifts.add(new Drift("email_not_sent", invoice.stripeInvoiceId(), invoice.acctId(),
                        "no invoice email was sent; resend with POST /admin/resend-invoice"));
            }
        }
        List<Object[]> failed = em.createQuery("SELECT w, e.objectId FROM WorkItem w, StripeEvent e "
                + "WHERE e.eventId = w.eventId AND w.state = :failed", Object[].class)
                .setParameter("failed", WorkState.FAILED.dbValue()).getResultList();
        Set<String> invoiceIds = new HashSet<>();
        invoices.forEach(i -> invoiceIds.add(i.stripeInvoiceId()));
        for (Object[] row : failed) {
            WorkItem item = (WorkItem) row[0];
            if (account != null && !invoiceIds.contains((String) row[1])) {
                continue;
            }
            drifts.add(new Drift("work_failed", (String) row[1], null, "work item " + item.id() + " failed: "
                    + item.failureReason() + "; see GET /admin/work?state=failed"));
        }
        return new Delivery(drifts, accounts, invoices.size());
    }
}
