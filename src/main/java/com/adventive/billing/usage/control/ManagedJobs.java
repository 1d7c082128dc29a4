package com.adventive.billing.usage.control;

import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.platform.control.Ids;
import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.platform.control.RequestSendLedger;
import com.adventive.billing.platform.control.StripeGateway;
import com.adventive.billing.platform.entity.MinorUnits;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.platform.entity.Texts;
import com.adventive.billing.usage.entity.ManagedJob;
import com.stripe.exception.StripeException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Bills a managed-service job once: validated, written down under its job_id, then created in
 * Stripe as an InvoiceItem on the account's customer with an idempotency key derived from the
 * job_id. Asking again for the same job answers the item already created; the same job_id with
 * other details is a conflict. Only accounts billed through Stripe are billed here.
 */
@ApplicationScoped
public class ManagedJobs {

    /** Stripe keeps idempotency keys for about 24 hours; an hour less, as for meter events. */
    static final Duration RESEND_WINDOW = Duration.ofHours(23);
    static final int MAX_JOB_ID = 200;
    static final int MAX_DESCRIPTION = 500;

    @Inject
    ManagedJobLedger ledger;

    @Inject
    RequestSendLedger sends;

    @Inject
    UsageLedger usage;

    @Inject
    StripeGateway stripe;

    @Inject
    OperationalLog operationalLog;

    /** What became of the request: {@code created} now, or {@code duplicate} (created before). */
    public record Billed(String status, ManagedJob job) {
    }

    public Billed bill(String acctId, String jobId, String description, Long amount, String currency, String who)
            throws StripeException {
        validate(acctId, jobId, description, amount, currency);
        ManagedJob job = ledger.byJobId(jobId).orElse(null);
        if (job == null) {
            String[] account = usage.account(acctId)
                    .orElseThrow(() -> BillingProblem.notFound("account_not_found", "unknown account " + acctId));
            if (!"stripe".equals(account[1]) || account[0] == null || !Ids.CUSTOMER.matches(account[0])) {
                throw BillingProblem.conflict("legacy_account", "account " + acctId + " is billed by " + account[1]
                        + ", not through Stripe: bill its job in the legacy system");
            }
            try {
                job = sends.insert(new ManagedJob(jobId, acctId, account[0], description.strip(), amount, currency,
                        idempotencyKey(jobId), who, com.adventive.billing.platform.control.Clock.nowUtc()));
            } catch (RuntimeException e) {
                if (!UsageLedger.isKeyRace(e)) {
                    throw e;
                }
                job = ledger.byJobId(jobId).orElseThrow(() -> e);
            }
        }
        if (!job.sameAs(acctId, description.strip(), amount, currency)) {
            throw BillingProblem.conflict("job_conflict", "job " + jobId + " is already recorded for " + job.acctId()
                    + " with " + job.amount() + " " + job.currency() + " \"" + job.description()
                    + "\"; a job is billed once: use another job_id for another job, a credit note to take one back");
        }
        var decision = sends.startSend(ManagedJob.class, job.id(), RESEND_WINDOW);
        if (decision instanceof RequestSendLedger.Decision.Settled<ManagedJob> settled) {
            return settledAnswer(settled.request());
        }
        ManagedJob sending = decision.request();
        StripeGateway.CreatedObject item;
        try {
            item = stripe.createInvoiceItem(sending.stripeCustomerId(), sending.amount(), sending.currency(),
                    sending.description(), Map.of("acct_id", sending.acctId(), "job_id", sending.jobId(),
                            "source", "billing-worker managed job"), sending.idempotencyKey());
        } catch (StripeException e) {
            sends.sendFailed(ManagedJob.class, sending.id(), Texts.describe(e, 1500), StripeGateway.refusedForGood(e));
            throw e;
        }
        ManagedJob created = ledger.created(sending.id(), item.id());
        operationalLog.record(new OperationalContext(null, null, created.acctId(), null), "managed_job_billed",
                created.jobId() + ": " + created.amount() + " " + created.currency() + " as " + item.id() + " by " + who);
        return new Billed("created", created);
    }

    private static Billed settledAnswer(ManagedJob job) {
        return switch (job.state()) {
            case ManagedJob.CREATED -> new Billed("duplicate", job);
            case ManagedJob.FAILED -> throw BillingProblem.conflict("job_refused_by_stripe", "job " + job.jobId()
                    + " was refused by Stripe: " + job.lastError() + "; bill the corrected job under a new job_id");
            default -> throw BillingProblem.conflict("job_outcome_unknown", job.lastError());
        };
    }

    /** The key Stripe deduplicates the InvoiceItem on: the same for every attempt, on any instance. */
    static String idempotencyKey(String jobId) {
        return "managed_job_" + Texts.sha256Hex(jobId.getBytes(StandardCharsets.UTF_8)).substring(0, 48);
    }

    private static void validate(String acctId, String jobId, String description, Long amount, String currency) {
        if (acctId == null || !Ids.ACCOUNT.matches(acctId)) {
            throw invalid("acct_id must be an account id (acct_…)");
        }
        if (jobId == null || jobId.isBlank() || jobId.length() > MAX_JOB_ID || jobId.chars().anyMatch(Character::isISOControl)) {
            throw invalid("job_id must be 1 to " + MAX_JOB_ID + " printable characters");
        }
        if (description == null || description.isBlank() || description.length() > MAX_DESCRIPTION) {
            throw invalid("description must be 1 to " + MAX_DESCRIPTION + " characters");
        }
        String refusal = MinorUnits.refusal(amount, currency);
        if (refusal != null) {
            throw invalid(refusal);
        }
    }

    private static BillingProblem invalid(String detail) {
        return BillingProblem.badRequest("invalid_managed_job", detail);
    }
}
