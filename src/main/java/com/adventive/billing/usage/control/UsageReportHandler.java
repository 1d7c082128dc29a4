package com.adventive.billing.usage.control;

import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.platform.control.StripeGateway;
import com.adventive.billing.platform.entity.Texts;
import com.adventive.billing.work.control.PermanentWorkFailure;
import com.adventive.billing.work.control.WorkContext;
import com.adventive.billing.work.control.WorkDeferred;
import com.adventive.billing.work.control.WorkHandler;
import com.adventive.billing.work.entity.WorkState;
import com.stripe.exception.StripeException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.YearMonth;
import java.util.Optional;

/**
 * Reports one usage ledger record to Stripe as a Billing Meter Event, exactly once: the ledger says
 * whether it was already reported, the send carries an identifier and idempotency key derived from
 * the ledger key, and {@code reported} is written with Stripe's answer before the work item ends.
 * 429, 5xx and network failures are retried by the work item's backoff with the same identifier.
 * Sends are paced to {@code USAGE_REPORT_RATE} per second by {@link UsageReportPace}.
 *
 * <p>A record whose send started longer ago than {@link #RESEND_WINDOW} without being recorded as
 * reported may or may not have been counted, and Stripe no longer deduplicates its identifier: it
 * is checked against Stripe's meter event summaries first ({@link UnknownOutcomeCheck}) and sent
 * again only when they show it did not land.
 */
@ApplicationScoped
public class UsageReportHandler implements WorkHandler {

    /**
     * Stripe keeps idempotency keys and meter event identifiers for about 24 hours. An hour less,
     * so a resend never lands just after Stripe forgot the first one.
     */
    static final Duration RESEND_WINDOW = Duration.ofHours(23);

    @Inject
    UsageLedger ledger;

    @Inject
    StripeGateway stripe;

    @Inject
    UsageReportPace pace;

    @Inject
    OperationalLog operationalLog;

    @Override
    public String kind() {
        return UsageLedger.REPORT_KIND;
    }

    /** UsageReportWaker wakes due reports at USAGE_REPORT_RATE; the sweeper leaves them to it. */
    @Override
    public boolean wokenAtItsOwnPace() {
        return true;
    }

    @Override
    public WorkState handle(WorkContext context) throws Exception {
        long recordId = recordId(context.subject());
        if (!pace.acquire()) {
            // Over USAGE_REPORT_RATE: wait for a later turn without using up an attempt.
            throw new WorkDeferred("usage reporting is at its pace of " + pace.rate() + " meter events per second", null);
        }
        var decision = ledger.startSend(recordId, RESEND_WINDOW)
                .orElseThrow(() -> new PermanentWorkFailure("usage_record_missing", "no usage record " + recordId));
        if (decision instanceof UsageLedger.SendDecision.Check check) {
            decision = checkWithStripe(recordId, check);
        }
        if (decision instanceof UsageLedger.SendDecision.Settled settled) {
            return "reported".equals(settled.state()) ? WorkState.DONE : WorkState.SKIPPED;
        }
        if (decision instanceof UsageLedger.SendDecision.Confirmed confirmed) {
            operationalLog.record(context.operational().withAccount(confirmed.acctId()), "usage_confirmed_from_summaries",
                    "usage record " + recordId + " reported without sending again: " + confirmed.evidence());
            return WorkState.DONE;
        }
        if (decision instanceof UsageLedger.SendDecision.Wait wait) {
            throw new WorkDeferred("usage record " + recordId + ": " + wait.why(), null);
        }
        if (decision instanceof UsageLedger.SendDecision.OutcomeUnknown unknown) {
            throw new PermanentWorkFailure("usage_outcome_unknown", unknown.why());
        }
        var send = (UsageLedger.SendDecision.Send) decision;
        if (send.checkEvidence() != null) {
            operationalLog.record(context.operational(), "usage_resent_after_check",
                    "usage record " + recordId + " sent again under its identifier: " + send.checkEvidence());
        }
        StripeGateway.MeterEventReceipt receipt;
        try {
            receipt = stripe.createMeterEvent(send.eventName(), send.customerId(), send.value(), send.timestamp(),
                    send.identifier());
        } catch (StripeException e) {
            String error = Texts.describe(e, 1500);
            if (StripeGateway.refusedForGood(e)) {
                ledger.refused(recordId, error);
                throw new PermanentWorkFailure("usage_refused_by_stripe", error);
            }
            ledger.sendFailed(recordId, error);
            if (Integer.valueOf(429).equals(e.getStatusCode())) {
                pace.rateLimited();
            }
            throw e; // 429, 5xx, network: the work item's exponential backoff, with the same identifier
        }
        ledger.reported(recordId, receipt.responseJson());
        return WorkState.DONE;
    }

    /**
     * Asks Stripe's meter event summaries for the record's customer and meter over its whole period,
     * holding no lock, then lets the ledger settle the record under its lock. A 429, 5xx or network
     * failure (or our key refused) is retried later by the work item's backoff, nothing sent; a
     * request Stripe refuses for good leaves the record for an operator.
     */
    private UsageLedger.SendDecision checkWithStripe(long recordId, UsageLedger.SendDecision.Check unread)
            throws Exception {
        UsageLedger.SendDecision.Check check = ledger.withFigures(recordId, unread, RESEND_WINDOW);
        if (check.figures() == null) {
            return new UsageLedger.SendDecision.Settled("missing");
        }
        var early = UnknownOutcomeCheck.fromLedger(check.figures());
        if (early.isPresent() && early.get().kind() == UnknownOutcomeCheck.Kind.WAIT) {
            // other sends of the same usage not settled yet: Stripe's total could not be compared now
            return new UsageLedger.SendDecision.Wait(early.get().reason());
        }
        YearMonth month = UsagePeriods.parse(check.period())
                .orElseThrow(() -> new PermanentWorkFailure("usage_record_missing", "usage record " + recordId
                        + " has no readable period: " + check.period()));
        Optional<StripeGateway.MeterTotal> total;
        try {
            total = stripe.meterEventTotal(check.eventName(), check.customerId(),
                    UsagePeriods.start(month).getEpochSecond(), UsagePeriods.end(month).plusSeconds(1).getEpochSecond());
        } catch (StripeException e) {
            String error = Texts.describe(e, 1500);
            if (StripeGateway.refusedForGood(e)) {
                return ledger.checkRefused(recordId, error);
            }
            if (Integer.valueOf(429).equals(e.getStatusCode())) {
                pace.rateLimited();
            }
            throw new SummariesUnavailable("usage record " + recordId + ": its send's outcome is unknown and Stripe's "
                    + "meter event summaries, which would tell whether it landed, could not be read; nothing was sent, "
                    + "looking again later: " + error, e);
        }
        return ledger.settleCheck(recordId, check, total.map(StripeGateway.MeterTotal::aggregatedValue),
                total.map(StripeGateway.MeterTotal::meterId).orElse(null),
                total.map(StripeGateway.MeterTotal::aggregation).orElse(null), RESEND_WINDOW);
    }

    /** Stripe's summaries could not be read for now (429, 5xx, network): the work item's backoff retries. */
    static final class SummariesUnavailable extends Exception {
        SummariesUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static long recordId(String subject) throws PermanentWorkFailure {
        try {
            return Long.parseLong(subject);
        } catch (NumberFormatException e) {
            throw new PermanentWorkFailure("usage_record_missing", "work subject is not a usage record id: " + subject);
        }
    }
}
