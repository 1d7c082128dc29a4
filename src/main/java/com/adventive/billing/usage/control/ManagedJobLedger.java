package com.adventive.billing.usage.control;

import com.adventive.billing.platform.control.Clock;
import com.adventive.billing.usage.entity.ManagedJob;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.Optional;

/**
 * The managed jobs' rows, each change in its own short transaction (nothing is held across the Stripe
 * call); starting and failing a send are {@link com.adventive.billing.platform.control.RequestSendLedger}'s.
 */
@ApplicationScoped
public class ManagedJobLedger {

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    @Transactional
    public Optional<ManagedJob> byJobId(String jobId) {
        return em.createQuery("SELECT j FROM ManagedJob j WHERE j.jobId = :job", ManagedJob.class)
                .setParameter("job", jobId).getResultStream().findFirst();
    }

    @Transactional
    public ManagedJob created(long id, String invoiceItemId) {
        ManagedJob job = em.find(ManagedJob.class, id);
        if (!ManagedJob.CREATED.equals(job.state())) {
            job.created(invoiceItemId, Clock.nowUtc());
        }
        return job;
    }

    @Transactional
    public List<ManagedJob> forAccount(String acctId, int limit) {
        return em.createQuery("SELECT j FROM ManagedJob j WHERE j.acctId = :acct ORDER BY j.id DESC", ManagedJob.class)
                .setParameter("acct", acctId).setMaxResults(limit).getResultList();
    }
}
