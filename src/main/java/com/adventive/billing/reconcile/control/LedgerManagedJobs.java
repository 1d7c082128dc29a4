package com.adventive.billing.reconcile.control;

import com.adventive.billing.reconcile.entity.WorkerBook;
import com.adventive.billing.usage.entity.ManagedJob;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.time.LocalDateTime;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The managed-service jobs the worker put into Stripe as invoice items, by the month Stripe took
 * them: a pending invoice item lands on the invoice for the period it was created in. Only jobs
 * Stripe confirmed count; a job whose call failed or whose outcome is unknown is the usage
 * runbook's to settle, not a reconciliation amount.
 */
@ApplicationScoped
public class LedgerManagedJobs implements ManagedJobSource {

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    @Override
    public Map<String, List<WorkerBook.ManagedJob>> jobs(String period, String account) {
        YearMonth month = YearMonth.parse(period);
        LocalDateTime from = month.atDay(1).atStartOfDay();
        LocalDateTime to = month.plusMonths(1).atDay(1).atStartOfDay();
        var query = em.createQuery("SELECT j FROM ManagedJob j WHERE j.state = :created AND j.createdInStripeAt >= :from "
                        + "AND j.createdInStripeAt < :to" + (account == null ? "" : " AND j.acctId = :account")
                        + " ORDER BY j.id", ManagedJob.class)
                .setParameter("created", ManagedJob.CREATED).setParameter("from", from).setParameter("to", to);
        if (account != null) {
            query.setParameter("account", account);
        }
        Map<String, List<WorkerBook.ManagedJob>> byAccount = new HashMap<>();
        for (ManagedJob job : query.getResultList()) {
            byAccount.computeIfAbsent(job.acctId(), a -> new ArrayList<>())
                    .add(new WorkerBook.ManagedJob(job.jobId(), job.amount(), job.currency()));
        }
        return byAccount;
    }
}
