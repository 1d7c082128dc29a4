package com.adventive.billing.lifecycle.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The worker's record of where an invoice stands after it was finalized, merged from every copy
 * of it that Stripe's events carried. The merge is commutative, associative and idempotent, so any
 * order and any duplication of the same events ends in the same row:
 * <ul>
 *   <li>each {@code status_transitions} timestamp is set once by Stripe: the earliest one seen wins;</li>
 *   <li>the status is the furthest along Stripe's state machine that any copy or timestamp shows
 *       (draft → open → uncollectible → void | paid; an uncollectible invoice can still be paid or voided);</li>
 *   <li>the amount paid only grows;</li>
 *   <li>the payment attempt (count, next attempt, decline reason) is the one of the highest attempt count.</li>
 * </ul>
 * An older copy can therefore never overwrite what a later one recorded.
 */
@Entity
@Table(name = "invoice_lifecycle")
public class InvoiceLifecycle {

    /** Stripe's invoice states in the order an invoice moves through them. */
    private static final List<String> PROGRESSION = List.of("draft", "open", "uncollectible", "void", "paid");

    private static final int DECLINE_REASON_MAX = 500;

    @Id
    @Column(name = "stripe_invoice_id")
    private String stripeInvoiceId;

    private String status;

    private String currency;

    @Column(name = "amount_paid")
    private Long amountPaid;

    @Column(name = "finalized_at")
    private LocalDateTime finalizedAt;

    @Column(name = "paid_at")
    private LocalDateTime paidAt;

    @Column(name = "voided_at")
    private LocalDateTime voidedAt;

    @Column(name = "marked_uncollectible_at")
    private LocalDateTime markedUncollectibleAt;

    @Column(name = "attempt_count")
    private Integer attemptCount;

    @Column(name = "next_payment_attempt")
    private LocalDateTime nextPaymentAttempt;

    @Column(name = "decline_reason")
    private String declineReason;

    /** Two workers merging into one row at once: the second commit fails and its work is retried. */
    @Version
    @Column(name = "row_version")
    private long rowVersion;

    @Column(name = "updated_at")
    private LocalDateTime updatedAt;

    protected InvoiceLifecycle() {
    }

    public InvoiceLifecycle(String stripeInvoiceId, LocalDateTime now) {
        this.stripeInvoiceId = stripeInvoiceId;
        this.updatedAt = now;
    }

    /** Folds one copy of the invoice into the record. */
    public void merge(InvoiceSnapshot copy, LocalDateTime now) {
        currency = minNonNull(currency, copy.currency());
        amountPaid = maxNonNull(amountPaid, copy.amountPaid());
        finalizedAt = minNonNull(finalizedAt, utc(copy.finalizedAt()));
        paidAt = minNonNull(paidAt, utc(copy.paidAt()));
        voidedAt = minNonNull(voidedAt, utc(copy.voidedAt()));
        markedUncollectibleAt = minNonNull(markedUncollectibleAt, utc(copy.markedUncollectibleAt()));
        status = furthest(status, furthest(copy.status(), impliedStatus()));
        Attempt mine = new Attempt(attemptCount, nextPaymentAttempt, declineReason);
        Attempt theirs = new Attempt(copy.attemptCount(), utc(copy.nextPaymentAttempt()), bounded(copy.declineReason()));
        if (Attempt.ORDER.compare(theirs, mine) > 0) {
            attemptCount = theirs.count();
            nextPaymentAttempt = theirs.next();
            declineReason = theirs.reason();
        }
        updatedAt = now;
    }

    /** The state the timestamps alone prove. */
    private String impliedStatus() {
        if (paidAt != null) {
            return "paid";
        }
        if (voidedAt != null) {
            return "void";
        }
        if (markedUncollectibleAt != null) {
            return "uncollectible";
        }
        return finalizedAt != null ? "open" : null;
    }

    static String furthest(String a, String b) {
        int ra = a == null ? -1 : PROGRESSION.indexOf(a);
        int rb = b == null ? -1 : PROGRESSION.indexOf(b);
        if (ra < 0 && rb < 0) {
            return a == null ? b : a;
        }
        return ra >= rb ? a : b;
    }

    public boolean settled() {
        return "paid".equals(status) || "void".equals(status);
    }

    /** Stripe retries only open invoices: a later attempt is shown only while the invoice is open. */
    public LocalDateTime currentNextPaymentAttempt() {
        return "open".equals(status) ? nextPaymentAttempt : null;
    }

    public String stripeInvoiceId() { return stripeInvoiceId; }
    public String status() { return status; }
    public String currency() { return currency; }
    public Long amountPaid() { return amountPaid; }
    public LocalDateTime finalizedAt() { return finalizedAt; }
    public LocalDateTime paidAt() { return paidAt; }
    public LocalDateTime voidedAt() { return voidedAt; }
    public LocalDateTime markedUncollectibleAt() { return markedUncollectibleAt; }
    public Integer attemptCount() { return attemptCount; }
    public LocalDateTime nextPaymentAttempt() { return nextPaymentAttempt; }
    public String declineReason() { return declineReason; }
    public LocalDateTime updatedAt() { return updatedAt; }

    private record Attempt(Integer count, LocalDateTime next, String reason) {
        static final Comparator<Attempt> ORDER = Comparator
                .comparing(Attempt::count, Comparator.nullsFirst(Comparator.<Integer>naturalOrder()))
                .thenComparing(Attempt::next, Comparator.nullsFirst(Comparator.<LocalDateTime>naturalOrder()))
                .thenComparing(Attempt::reason, Comparator.nullsFirst(Comparator.<String>naturalOrder()));
    }

    private static <T extends Comparable<? super T>> T minNonNull(T a, T b) {
        if (a == null) {
            return b;
        }
        return b == null || a.compareTo(b) <= 0 ? a : b;
    }

    private static <T extends Comparable<? super T>> T maxNonNull(T a, T b) {
        if (a == null) {
            return b;
        }
        return b == null || a.compareTo(b) >= 0 ? a : b;
    }

    static LocalDateTime utc(Instant instant) {
        return instant == null ? null : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static String bounded(String text) {
        return text == null || text.length() <= DECLINE_REASON_MAX ? text : text.substring(0, DECLINE_REASON_MAX);
    }

    @Override
    public String toString() {
        return Objects.toString(stripeInvoiceId) + " " + status;
    }
}
