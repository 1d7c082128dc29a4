package com.adventive.billing.usage.control;

import com.adventive.billing.usage.control.UnknownOutcomeCheck.Figures;
import com.adventive.billing.usage.control.UnknownOutcomeCheck.Kind;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whether an unknown send landed, from Stripe's summary total and the ledger's figures alone: sent
 * again only when Stripe has exactly what the ledger reported, reported without sending only when
 * Stripe has exactly every unknown send more, anything else left for an operator or looked at later.
 */
class UnknownOutcomeCheckTest {

    /** One unknown record of 10, 250 reported before it, nothing else going on. */
    private static final Figures ALONE = new Figures(10, 250, 10, 1, 0, 0);

    private static Kind decide(Figures figures, long stripeTotal) {
        return UnknownOutcomeCheck.decide(figures, Optional.of(BigDecimal.valueOf(stripeTotal))).kind();
    }

    @Test
    void stripeHavingExactlyWhatTheLedgerReportedMeansTheSendDidNotLand() {
        assertEquals(Kind.RESEND, decide(ALONE, 250));
        assertEquals(Kind.RESEND, decide(new Figures(10, 0, 10, 1, 0, 0), 0), "nothing reported, nothing in Stripe");
    }

    @Test
    void aMeterThatDoesNotSumItsValuesDecidesNothing() {
        // a count meter's total of 250 events would otherwise read as "did not land" and send again
        var counted = UnknownOutcomeCheck.decide(ALONE, Optional.of(BigDecimal.valueOf(250)), "count");
        assertEquals(Kind.MISMATCH, counted.kind());
        assertTrue(counted.reason().contains("count"), counted.reason());
        assertEquals(Kind.MISMATCH, UnknownOutcomeCheck.decide(ALONE, Optional.of(BigDecimal.valueOf(260)), "last").kind());
        assertEquals(Kind.RESEND, UnknownOutcomeCheck.decide(ALONE, Optional.of(BigDecimal.valueOf(250)), "sum").kind());
    }

    @Test
    void stripeHavingTheUnknownQuantityMoreMeansItLanded() {
        assertEquals(Kind.LANDED, decide(ALONE, 260));
        var verdict = UnknownOutcomeCheck.decide(ALONE, Optional.of(new BigDecimal("260")));
        assertTrue(verdict.reason().contains("260") && verdict.reason().contains("250"),
                "the reason names both totals: " + verdict.reason());
    }

    @Test
    void severalUnknownSendsAreConfirmedOnlyWhenAllOfThemLanded() {
        Figures two = new Figures(10, 250, 17, 2, 0, 0); // this one (10) and another unknown of 7
        assertEquals(Kind.LANDED, decide(two, 267), "both landed");
        assertEquals(Kind.RESEND, decide(two, 250), "neither landed");
        assertEquals(Kind.MISMATCH, decide(two, 260), "one of them landed, and the totals cannot say which");
        assertEquals(Kind.MISMATCH, decide(two, 257));
    }

    @Test
    void anyOtherDifferenceIsLeftForAnOperator() {
        assertEquals(Kind.MISMATCH, decide(ALONE, 255), "less than the record: not this send");
        assertEquals(Kind.MISMATCH, decide(ALONE, 270), "more than the record: usage the ledger does not know");
        assertEquals(Kind.MISMATCH, decide(ALONE, 240), "Stripe lower than the ledger's reported total");
        assertEquals(Kind.MISMATCH, UnknownOutcomeCheck.decide(ALONE, Optional.of(new BigDecimal("250.5"))).kind(),
                "a fraction cannot be a difference of whole quantities");
    }

    @Test
    void noMeterForTheEventNameIsLeftForAnOperator() {
        assertEquals(Kind.MISMATCH, UnknownOutcomeCheck.decide(ALONE, Optional.empty()).kind());
    }

    @Test
    void otherSendsInFlightOrReportedRecentlyMeanLookingAgainLaterWithoutAskingStripe() {
        Figures inFlight = new Figures(10, 250, 10, 1, 1, 0);
        Figures recent = new Figures(10, 250, 10, 1, 0, 2);
        assertEquals(Kind.WAIT, UnknownOutcomeCheck.fromLedger(inFlight).orElseThrow().kind());
        assertEquals(Kind.WAIT, UnknownOutcomeCheck.fromLedger(recent).orElseThrow().kind());
        // whatever Stripe says meanwhile: its total may not hold those sends yet
        assertEquals(Kind.WAIT, decide(inFlight, 250));
        assertEquals(Kind.WAIT, decide(recent, 260));
        assertTrue(UnknownOutcomeCheck.fromLedger(ALONE).isEmpty(), "nothing going on: Stripe must be asked");
    }

    @Test
    void aQuantityOfZeroIsSentAgainWithoutAsking() {
        Figures zero = new Figures(0, 250, 0, 1, 1, 1);
        assertEquals(Kind.RESEND, UnknownOutcomeCheck.fromLedger(zero).orElseThrow().kind(),
                "a zero adds nothing to Stripe's total, whatever else is going on");
    }
}
