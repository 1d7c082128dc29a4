package com.adventive.billing.usage.control;

import com.adventive.billing.platform.control.Clock;
import com.adventive.billing.platform.entity.Texts;
import com.adventive.billing.usage.entity.ManagedJob;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;

/** The managed jobs' rows, each change in its own short transaction (nothing is held across the Stripe call). */
@ApplicationScoped
public class ManagedJobLedger {

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    @Transactional
    public Optional<ManagedJob> byJobId(String jobId) {
        return em.createQuery("SELECT j FROM ManagedJob j WHERE j.jobId = :job", ManagedJob.class)
                .setParameter("job", jobId).getResultStream().findFirst();
    }

    /** Writes the job down; a concurrent insert of the same job_id fails on the unique key. */
    @Transactional
    public ManagedJob insert(ManagedJob job) {
        em.persist(job);
        em.flush();
        return job;
    }

    /** What to do with a pending job now. */
    public sealed interface Decision {
        record Send(ManagedJob job) implements Decision { }
        record Settled(ManagedJob job) implements Decision { }
    }

    /**
     * Under a row lock: a job already created, failed or in doubt is settled; a pending one whose
     * first send started longer ago than Stripe keeps idempotency keys is put in doubt (a second
     * send could add a second item); otherwise the send is recorded as started.
     */
    @Transactional
    public Decision startSend(long id, Duration resendWindow) {
        ManagedJob job = em.find(ManagedJob.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (!ManagedJob.PENDING.equals(job.state())) {
            return new Decision.Settled(job);
        }
        LocalDateTime now = Clock.nowUtc();
        if (job.sendStartedAt() != null && job.sendStartedAt().plus(resendWindow).isBefore(now)) {
            job.outcomeUnknown("first send started at " + job.sendStartedAt() + " UTC and was never confirmed ("
                    + Texts.truncate(String.valueOf(job.lastError()), 500) + "); Stripe no longer deduplicates its "
                    + "idempotency key. Look for an invoice item with metadata job_id=" + job.jobId()
                    + " on the customer in Stripe before billing it again under a new job_id");
            return new Decision.Settled(job);
        }
        job.sendStarting(now);
        return new Decision.Send(job);
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
    public void sendFailed(long id, String error, boolean refused) {
        ManagedJob job = em.find(ManagedJob.class, id);
        if (ManagedJob.PENDING.equals(job.state())) {
            if (refused) {
                job.failed(Texts.truncate(error, 2000));
            } else {
                job.sendFailed(Texts.truncate(error, 2000));
            }
        }
    }

    @Transactional
    public List<ManagedJob> forAccount(String acctId, int limit) {
        return em.createQuery("SELECT j FROM ManagedJob j WHERE j.acctId = :acct ORDER BY j.id DESC", ManagedJob.class)
                .setParameter("acct", acctId).setMaxResults(limit).getResultList();
    }
}
