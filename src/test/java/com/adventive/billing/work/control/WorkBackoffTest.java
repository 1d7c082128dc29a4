package com.adventive.billing.work.control;

import com.adventive.billing.platform.control.Settings;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The wait before another attempt: WORK_RETRY_BASE_SECONDS × 2^(attempts-1), never more than
 * WORK_RETRY_MAX_SECONDS, whatever the attempt count.
 */
class WorkBackoffTest {

    private static WorkLedger ledger(long baseSeconds, long maxSeconds) {
        WorkLedger ledger = new WorkLedger();
        ledger.settings = new Settings() {
            @Override
            public Duration workRetryBase() {
                return Duration.ofSeconds(baseSeconds);
            }

            @Override
            public Duration workRetryMax() {
                return Duration.ofSeconds(maxSeconds);
            }
        };
        return ledger;
    }

    @Test
    void theWaitDoublesFromTheBaseWithEachAttempt() {
        WorkLedger ledger = ledger(30, 3_600);
        assertEquals(Duration.ofSeconds(30), ledger.backoff(1));
        assertEquals(Duration.ofSeconds(60), ledger.backoff(2));
        assertEquals(Duration.ofSeconds(120), ledger.backoff(3));
        assertEquals(Duration.ofSeconds(240), ledger.backoff(4));
        assertEquals(Duration.ofSeconds(480), ledger.backoff(5));
        assertEquals(Duration.ofSeconds(960), ledger.backoff(6));
        assertEquals(Duration.ofSeconds(1_920), ledger.backoff(7));
    }

    @Test
    void theWaitStopsAtTheCap() {
        WorkLedger ledger = ledger(30, 3_600);
        assertEquals(Duration.ofSeconds(3_600), ledger.backoff(8), "30 × 2^7 = 3840 s is over the cap");
        assertEquals(Duration.ofSeconds(3_600), ledger.backoff(9));
        assertEquals(Duration.ofSeconds(3_600), ledger.backoff(100));
    }

    @Test
    void aCapThatIsNotAPowerOfTwoOfTheBaseIsReachedExactly() {
        WorkLedger ledger = ledger(1, 10);
        assertEquals(Duration.ofSeconds(8), ledger.backoff(4));
        assertEquals(Duration.ofSeconds(10), ledger.backoff(5));
    }

    @Test
    void aCapBelowTheBaseWins() {
        assertEquals(Duration.ofSeconds(20), ledger(60, 20).backoff(1));
    }

    @Test
    void hugeAttemptCountsNeitherOverflowNorGoNegative() {
        WorkLedger ledger = ledger(3_600, 86_400);
        assertEquals(Duration.ofSeconds(86_400), ledger.backoff(64));
        assertEquals(Duration.ofSeconds(86_400), ledger.backoff(65));
        assertEquals(Duration.ofSeconds(86_400), ledger.backoff(Integer.MAX_VALUE));
    }

    @Test
    void noAttemptYetWaitsTheBase() {
        WorkLedger ledger = ledger(30, 3_600);
        assertEquals(Duration.ofSeconds(30), ledger.backoff(0));
        assertEquals(Duration.ofSeconds(30), ledger.backoff(-1));
    }
}
