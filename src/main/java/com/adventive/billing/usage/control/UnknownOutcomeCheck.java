package com.adventive.billing.usage.control;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * Whether a meter event whose send's outcome is unknown (started longer ago than Stripe keeps its
 * identifier, never recorded as reported) landed in Stripe, decided from the numbers alone: the
 * ledger's figures for the record's customer, meter event name and period, and what Stripe's meter
 * event summaries add up to for the same customer, meter and period.
 *
 * <p>Conservative by design: a record counted twice is an incident, a record left for an operator is
 * not. With D = Stripe's total − what the ledger has as reported:
 * <ul>
 *   <li>D = 0: none of the unknown sends landed, so this one did not either → send it again;</li>
 *   <li>D = the quantities of all outcome-unknown records added up (this one included): they all
 *       landed → this one is reported, nothing is sent;</li>
 *   <li>anything else is ambiguous (some landed, or Stripe has usage the ledger does not know) → an
 *       operator decides.</li>
 * </ul>
 * The comparison only holds once Stripe has aggregated everything the ledger counts: while another
 * send of the same usage is in flight, or one was reported within {@link #SUMMARY_SETTLE_MINUTES}
 * minutes (Stripe aggregates summaries asynchronously), the answer is to wait and look again.
 * Usage Stripe has from elsewhere (another account on the same customer, another metric on the same
 * event name) only raises Stripe's total: it can make the check ambiguous, never make D = 0 for a
 * send that landed, so it never causes a second send.
 */
public final class UnknownOutcomeCheck {

    /** How long Stripe may take to count a reported meter event in its summaries, as the worker assumes. */
    public static final int SUMMARY_SETTLE_MINUTES = 15;

    private UnknownOutcomeCheck() {
    }

    /**
     * What the ledger holds for the record's customer, event name and period.
     *
     * @param quantity             the record being checked
     * @param ledgerReported       quantities of the records the ledger has as reported, added up
     * @param outcomeUnknownTotal  quantities of every record whose send's outcome is unknown (this one included)
     * @param outcomeUnknownCount  how many such records (this one included)
     * @param sendsInFlight        other records whose send started within Stripe's identifier window and
     *                             is not yet recorded (they may land any moment, or be retried)
     * @param reportedRecently     other records reported within the last {@link #SUMMARY_SETTLE_MINUTES} minutes
     */
    public record Figures(long quantity, long ledgerReported, long outcomeUnknownTotal, int outcomeUnknownCount,
                          int sendsInFlight, int reportedRecently) {
    }

    public enum Kind {
        /** Stripe did not count it: send it again (same identifier). */
        RESEND,
        /** Stripe counted it: record it reported without sending. */
        LANDED,
        /** Not now: look again later. */
        WAIT,
        /** The numbers do not say: leave it outcome_unknown for an operator. */
        MISMATCH
    }

    public record Verdict(Kind kind, String reason) {
    }

    /** A quantity of 0 adds nothing to Stripe's total: sent again without asking. */
    public static final Verdict ZERO_QUANTITY = new Verdict(Kind.RESEND,
            "quantity 0: sending it again cannot change what Stripe counts");

    /** What can be decided without Stripe's summaries; empty when they must be asked for. */
    public static Optional<Verdict> fromLedger(Figures f) {
        if (f.quantity() == 0) {
            return Optional.of(ZERO_QUANTITY);
        }
        if (f.sendsInFlight() > 0) {
            return Optional.of(new Verdict(Kind.WAIT, f.sendsInFlight() + " other send(s) of the same usage may still "
                    + "land in Stripe; looking again once they are settled"));
        }
        if (f.reportedRecently() > 0) {
            return Optional.of(new Verdict(Kind.WAIT, f.reportedRecently() + " other record(s) of the same usage were "
                    + "reported in the last " + SUMMARY_SETTLE_MINUTES + " minutes and Stripe may not have counted them "
                    + "in its summaries yet; looking again later"));
        }
        return Optional.empty();
    }

    /**
     * The whole decision.
     *
     * @param stripeTotal what Stripe's summaries add up to; empty when Stripe has no meter for the event name
     */
    public static Verdict decide(Figures f, Optional<BigDecimal> stripeTotal) {
        return decide(f, stripeTotal, SUM);
    }

    /** The meter formula whose total is the quantities added up; a count or last value says nothing about them. */
    public static final String SUM = "sum";

    /** As {@link #decide(Figures, Optional)}, for a meter that aggregates with {@code aggregation} (null: unknown, taken as sum). */
    public static Verdict decide(Figures f, Optional<BigDecimal> stripeTotal, String aggregation) {
        Optional<Verdict> early = fromLedger(f);
        if (early.isPresent()) {
            return early.get();
        }
        if (stripeTotal.isEmpty()) {
            return new Verdict(Kind.MISMATCH, "Stripe has no meter for the record's event name, so its summaries "
                    + "cannot say whether the send landed");
        }
        if (aggregation != null && !SUM.equals(aggregation)) {
            return new Verdict(Kind.MISMATCH, "the meter for the record's event name aggregates by " + aggregation
                    + ", not sum, so its total cannot be compared with the ledger's quantities");
        }
        BigDecimal total = stripeTotal.get();
        BigDecimal difference = total.subtract(BigDecimal.valueOf(f.ledgerReported()));
        String figures = "Stripe's meter event summaries total " + total.toPlainString() + ", the ledger has "
                + f.ledgerReported() + " reported and " + f.outcomeUnknownTotal() + " in " + f.outcomeUnknownCount()
                + " record(s) whose outcome is unknown";
        if (difference.signum() == 0) {
            return new Verdict(Kind.RESEND, figures + ": Stripe did not count the unknown send(s)");
        }
        if (difference.compareTo(BigDecimal.valueOf(f.outcomeUnknownTotal())) == 0) {
            return new Verdict(Kind.LANDED, figures + ": Stripe counted every unknown send");
        }
        return new Verdict(Kind.MISMATCH, figures + " (difference " + difference.toPlainString()
                + "): which sends Stripe counted cannot be told from the totals");
    }
}
