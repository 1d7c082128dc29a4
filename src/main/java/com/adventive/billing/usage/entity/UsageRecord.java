package com.adventive.billing.usage.entity;

import com.adventive.billing.platform.entity.SentOnceToStripe;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.LocalDateTime;

/**
 * One measured quantity in the usage ledger, under its key (account, period, metric, source id),
 * and how far its report to Stripe as a Billing Meter Event has come. What was measured is never
 * edited; only the reporting state moves forward.
 */
@Entity
@Table(name = "usage_record")
public class UsageRecord extends SentOnceToStripe {

    /** Stored, not yet known to Stripe. */
    public static final String RECORDED = "recorded";
    /** Stripe accepted the meter event; never sent again. */
    public static final String REPORTED = "reported";
    /** Stripe refused the meter event for good (e.g. no such meter); needs an operator. */
    public static final String FAILED = "failed";
    /**
     * A send was started more than Stripe's identifier window ago, its outcome is unknown, and Stripe's
     * meter event summaries could not tell whether it landed: an operator decides.
     */
    public static final String OUTCOME_UNKNOWN = "outcome_unknown";
    /**
     * A negative adjustment: Stripe meters take no negative values, so it is never sent; the
     * overcharge it records is refunded with a credit note (POST /admin/credit-notes).
     */
    public static final String CREDIT_DUE = "credit_due";

    /** How a reported record came to be reported: Stripe answered its meter event. */
    public static final String FROM_METER_EVENT = "meter_event";
    /** How a reported record came to be reported: its unknown send was found counted in Stripe's summaries. */
    public static final String FROM_SUMMARIES = "meter_event_summaries";
    /** How the evidence of a confirmation from the summaries starts, in place of Stripe's answer. */
    public static final String SUMMARIES_EVIDENCE = "confirmed from Stripe's meter event summaries, not sent again: ";

    /** What the platform measured (POST /usage). */
    public static final String KIND_RECORD = "record";
    /** An operator's correction (POST /admin/usage/adjustments): signed, with a reason. */
    public static final String KIND_ADJUSTMENT = "adjustment";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "acct_id")
    private String acctId;

    @Column(name = "usage_period")
    private String period;

    private String metric;

    @Column(name = "source_id")
    private String sourceId;

    private long quantity;

    @Column(name = "occurred_at")
    private LocalDateTime occurredAt;

    @Column(name = "stripe_customer_id")
    private String stripeCustomerId;

    @Column(name = "event_name")
    private String eventName;

    @Column(name = "meter_identifier")
    private String meterIdentifier;

    @Column(name = "meter_timestamp")
    private long meterTimestamp;

    @Column(name = "recorded_at")
    private LocalDateTime recordedAt;

    @Column(name = "recorded_by")
    private String recordedBy;

    @Column(name = "send_started_at")
    private LocalDateTime sendStartedAt;

    @Column(name = "reported_at")
    private LocalDateTime reportedAt;

    @Column(name = "stripe_response")
    private String stripeResponse;

    @Column(name = "entry_kind")
    private String entryKind = KIND_RECORD;

    private String reason;

    /**
     * When the record's report work item was created; null until {@code UsageReportWaker} queues it
     * at the reporting pace (ingest writes only the ledger row). An adjustment is queued as it is made.
     */
    @Column(name = "report_queued_at")
    private LocalDateTime reportQueuedAt;

    protected UsageRecord() {
    }

    public UsageRecord(UsageKey key, long quantity, LocalDateTime occurredAt, String stripeCustomerId,
                       String eventName, long meterTimestamp, String recordedBy, LocalDateTime now) {
        super(RECORDED);
        this.acctId = key.acctId();
        this.period = key.period();
        this.metric = key.metric();
        this.sourceId = key.sourceId();
        this.meterIdentifier = key.meterIdentifier();
        this.quantity = quantity;
        this.occurredAt = occurredAt;
        this.stripeCustomerId = stripeCustomerId;
        this.eventName = eventName;
        this.meterTimestamp = meterTimestamp;
        this.recordedBy = recordedBy;
        this.recordedAt = now;
    }

    /**
     * An operator's adjustment: a new entry beside what it corrects. A positive one is reported like
     * a record; a negative one is {@link #CREDIT_DUE} from the start and never sent.
     */
    public static UsageRecord adjustment(UsageKey key, long signedQuantity, String stripeCustomerId, String eventName,
                                         long meterTimestamp, String reason, String recordedBy, LocalDateTime now) {
        UsageRecord entry = new UsageRecord(key, signedQuantity, null, stripeCustomerId, eventName, meterTimestamp,
                recordedBy, now);
        entry.entryKind = KIND_ADJUSTMENT;
        entry.reason = reason;
        entry.reportQueuedAt = now; // a positive one gets its work item in the same transaction; a negative one never
        if (signedQuantity < 0) {
            entry.moveTo(CREDIT_DUE);
        }
        return entry;
    }

    /** A send is about to start: the first start is kept, it is what Stripe's identifier window counts from. */
    public void sendStarting(LocalDateTime now) {
        if (sendStartedAt == null) {
            sendStartedAt = now;
        }
        countAttempt();
    }

    /**
     * Sent again after Stripe's summaries showed the unknown send did not land: Stripe has forgotten
     * the identifier, so its window starts afresh from this send. An outcome_unknown record an operator
     * retried is {@link #RECORDED} again: a send is under way, retried like any other within the window.
     */
    public void resendStarting(LocalDateTime now) {
        moveTo(RECORDED);
        sendStartedAt = now;
        countAttempt();
    }

    public void reported(String response, LocalDateTime now) {
        confirmed(REPORTED);
        stripeResponse = response;
        reportedAt = now;
    }

    /**
     * The unknown send was found counted in Stripe's meter event summaries: reported without sending,
     * the figures that showed it kept where Stripe's answer would be.
     */
    public void reportedFromSummaries(String figures, LocalDateTime now) {
        reported(SUMMARIES_EVIDENCE + figures, now);
    }

    /** {@link #FROM_METER_EVENT} or {@link #FROM_SUMMARIES} once reported; null before. */
    public String reportedFrom() {
        if (!REPORTED.equals(state())) {
            return null;
        }
        return stripeResponse != null && stripeResponse.startsWith(SUMMARIES_EVIDENCE) ? FROM_SUMMARIES : FROM_METER_EVENT;
    }

    /** The figures that showed Stripe had counted the unknown send; null unless reported from the summaries. */
    public String summariesEvidence() {
        return FROM_SUMMARIES.equals(reportedFrom()) ? stripeResponse.substring(SUMMARIES_EVIDENCE.length()) : null;
    }

    public Long id() { return id; }
    public String acctId() { return acctId; }
    public String period() { return period; }
    public String metric() { return metric; }
    public String sourceId() { return sourceId; }
    public long quantity() { return quantity; }
    public LocalDateTime occurredAt() { return occurredAt; }
    public String stripeCustomerId() { return stripeCustomerId; }
    public String eventName() { return eventName; }
    public String meterIdentifier() { return meterIdentifier; }
    public long meterTimestamp() { return meterTimestamp; }
    public LocalDateTime recordedAt() { return recordedAt; }
    public String recordedBy() { return recordedBy; }
    public LocalDateTime sendStartedAt() { return sendStartedAt; }
    public LocalDateTime reportedAt() { return reportedAt; }
    public String stripeResponse() { return stripeResponse; }
    public String entryKind() { return entryKind; }
    public String reason() { return reason; }
    public LocalDateTime reportQueuedAt() { return reportQueuedAt; }
}
