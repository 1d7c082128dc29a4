package com.adventive.billing.reconcile.control;

import com.adventive.billing.invoice.entity.BillingAccount;
import com.adventive.billing.lifecycle.entity.InvoiceAdjustment;
import com.adventive.billing.reconcile.entity.WorkerBook;
import com.adventive.billing.usage.entity.UsageRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The worker's own records for a period, read in a few bulk queries (never one per account): the
 * account table, the usage ledger, the credit notes recorded from Stripe's events, and managed
 * jobs when a {@link ManagedJobSource} exists.
 */
@ApplicationScoped
public class WorkerRecords {

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    @Inject
    Instance<ManagedJobSource> managedJobs;

    public record Snapshot(Map<String, BillingAccount> accounts, Map<String, String> accountByCustomer,
                           Map<String, Map<String, List<WorkerBook.Usage>>> usage, Map<String, Long> creditNotes,
                           Map<String, List<WorkerBook.ManagedJob>> jobs) {

        public WorkerBook book(String acct) {
            BillingAccount account = accounts.get(acct);
            return new WorkerBook(acct, account == null ? null : account.billedBy(),
                    account == null ? null : account.stripeCustomerId(), usage.getOrDefault(acct, Map.of()),
                    creditNotes, jobs.getOrDefault(acct, List.of()));
        }
    }

    public Snapshot read(String period, String account) {
        Map<String, BillingAccount> accounts = new LinkedHashMap<>();
        Map<String, String> byCustomer = new HashMap<>();
        for (BillingAccount a : em.createQuery("SELECT a FROM BillingAccount a ORDER BY a.acctId", BillingAccount.class)
                .getResultList()) {
            accounts.put(a.acctId(), a);
            if (a.stripeCustomerId() != null) {
                byCustomer.put(a.stripeCustomerId(), a.acctId());
            }
        }
        var usageQuery = em.createQuery("SELECT u FROM UsageRecord u WHERE u.period = :period"
                + (account == null ? "" : " AND u.acctId = :acct") + " ORDER BY u.id", UsageRecord.class)
                .setParameter("period", period);
        if (account != null) {
            usageQuery.setParameter("acct", account);
        }
        Map<String, Map<String, List<WorkerBook.Usage>>> usage = new HashMap<>();
        for (UsageRecord u : usageQuery.getResultList()) {
            usage.computeIfAbsent(u.acctId(), a -> new LinkedHashMap<>()).computeIfAbsent(u.metric(), m -> new ArrayList<>())
                    .add(new WorkerBook.Usage(u.id(), u.sourceId(), u.quantity(), u.state(),
                            u.occurredAt() == null ? null : u.occurredAt().toInstant(java.time.ZoneOffset.UTC).toString()));
        }
        Map<String, Long> creditNotes = new HashMap<>();
        for (InvoiceAdjustment note : em.createQuery("SELECT a FROM InvoiceAdjustment a WHERE a.kind = 'credit_note' "
                + "AND a.status = 'issued' AND a.stripeInvoiceId IS NOT NULL", InvoiceAdjustment.class).getResultList()) {
            creditNotes.merge(note.stripeInvoiceId(), note.amount() == null ? 0 : note.amount(), Long::sum);
        }
        Map<String, List<WorkerBook.ManagedJob>> jobs = new HashMap<>();
        for (ManagedJobSource source : managedJobs) {
            source.jobs(period, account).forEach((acct, list) -> jobs.computeIfAbsent(acct, a -> new ArrayList<>()).addAll(list));
        }
        return new Snapshot(accounts, byCustomer, usage, creditNotes, jobs);
    }
}
