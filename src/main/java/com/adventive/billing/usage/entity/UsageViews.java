package com.adventive.billing.usage.entity;

import java.time.LocalDateTime;
import java.util.List;

/** The usage API's answers (JSON property names are snake_case). */
public final class UsageViews {

    private UsageViews() {
    }

    /** {@code POST /usage}: always 200 once the batch is readable; each record has its own outcome. */
    public record IngestAnswer(int accepted, int duplicate, int conflict, int rejected, List<UsageOutcome> results) {

        public static IngestAnswer of(List<UsageOutcome> results) {
            return new IngestAnswer(count(results, UsageOutcome.ACCEPTED), count(results, UsageOutcome.DUPLICATE),
                    count(results, UsageOutcome.CONFLICT), count(results, UsageOutcome.REJECTED), results);
        }

        private static int count(List<UsageOutcome> results, String status) {
            return (int) results.stream().filter(r -> status.equals(r.status())).count();
        }
    }

    /**
     * One ledger entry. {@code reportedFrom} says how a reported entry became reported:
     * {@code meter_event} (Stripe answered its meter event) or {@code meter_event_summaries} (its send's
     * outcome was unknown and Stripe's summaries showed it counted; {@code confirmation} holds the figures).
     */
    public record RecordView(long id, String acctId, String period, String metric, String sourceId, long quantity,
                             LocalDateTime occurredAt, String state, String meterEventName, String meterIdentifier,
                             long meterTimestamp, LocalDateTime recordedAt, String recordedBy, int sendAttempts,
                             LocalDateTime reportedAt, String lastError, String kind, String reason,
                             String reportedFrom, String confirmation) {

        public static RecordView of(UsageRecord r) {
            return new RecordView(r.id(), r.acctId(), r.period(), r.metric(), r.sourceId(), r.quantity(),
                    r.occurredAt(), r.state(), r.eventName(), r.meterIdentifier(), r.meterTimestamp(), r.recordedAt(),
                    r.recordedBy(), r.sendAttempts(), r.reportedAt(), r.lastError(), r.entryKind(), r.reason(),
                    r.reportedFrom(), r.summariesEvidence());
        }
    }

    /**
     * One metric's entries of one kind ({@code record} or {@code adjustment}) in one state: how many,
     * and their quantities added up (negative for credit_due adjustments).
     */
    public record Total(String metric, String state, long records, long quantity, String kind) {
    }

    /** {@code POST /admin/usage/adjustments}: what became of the adjustment. */
    public record AdjustmentAnswer(String status, long recordId, String acctId, String period, String metric,
                                   long quantity, String state, String handling) {
    }

    /**
     * One metric of {@code GET /admin/usage/stripe-check}: the ledger's figures beside what Stripe's
     * meter event summaries add up to for the customer and period.
     */
    public record MetricCheck(String metric, String meterEventName, String meterId, long ledgerReported,
                              long ledgerPending, long ledgerOutcomeUnknown, long ledgerFailed, long creditDue,
                              java.math.BigDecimal stripeTotal, java.math.BigDecimal difference, String verdict,
                              String advice) {
    }

    public record StripeCheck(String acctId, String period, String stripeCustomerId, String checkedFrom,
                              String checkedUntil, String status, List<MetricCheck> metrics) {
    }

    /**
     * {@code GET /admin/usage}: the period's totals over every record, and the records themselves in
     * ledger order up to the limit ({@code truncated} says when more exist).
     */
    public record PeriodView(String acctId, String period, List<Total> totals, List<RecordView> records,
                             boolean truncated) {
    }
}
