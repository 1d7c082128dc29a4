package com.adventive.billing.usage.control;

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

/**
 * Reports one usage ledger record to Stripe as a Billing Meter Event, exactly once: the ledger says
 * whether it was already reported, the send carries an identifier and idempotency key derived from
 * the ledger key, and {@code reported} is written with Stripe's answer before the work item ends.
 * 429, 5xx and network failures are retried by the work item's backoff with the same identifier.
 * Sends are paced to {@code USAGE_REPORT_RATE} per second by {@link UsageReportPace}.
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

    @Override
    public String kind() {
        return UsageLedger.REPORT_KIND;
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
        if (decision instanceof UsageLedger.SendDecision.Settled settled) {
            return "reported".equals(settled.state()) ? WorkState.DONE : WorkState.SKIPPED;
        }
        if (decision instanceof UsageLedger.SendDecision.OutcomeUnknown unknown) {
            throw new PermanentWorkFailure("usage_outcome_unknown", unknown.why());
        }
        var send = (UsageLedger.SendDecision.Send) decision;
        StripeGateway.MeterEventReceipt receipt;
        try {
            receipt = stripe.createMeterEvent(send.eventName(), send.customerId(), send.value(), send.timestamp(),
                    send.identifier());
        } catch (StripeException e) {
            String error = Texts.describe(e, 1500);
            if (isRefusal(e)) {
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
     * A 4xx refuses the event itself and will not change on retry, except 401/403 (our key, fixed by
     * the operator), 409 (the same idempotent request still in flight) and 429 (rate limit).
     */
    static boolean isRefusal(StripeException e) {
        Integer status = e.getStatusCode();
        return status != null && status >= 400 && status < 500
                && status != 401 && status != 403 && status != 409 && status != 429;
    }

    private static long recordId(String subject) throws PermanentWorkFailure {
        try {
            return Long.parseLong(subject);
        } catch (NumberFormatException e) {
            throw new PermanentWorkFailure("usage_record_missing", "work subject is not a usage record id: " + subject);
        }
    }
}
