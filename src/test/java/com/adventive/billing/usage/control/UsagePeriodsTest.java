package com.adventive.billing.usage.control;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.YearMonth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which periods Stripe still takes, and where inside the period a record's meter event lands. */
class UsagePeriodsTest {

    private static final Instant NOW = Instant.parse("2026-11-25T17:00:00Z");
    private static final YearMonth NOVEMBER = YearMonth.of(2026, 11);
    private static final YearMonth OCTOBER = YearMonth.of(2026, 10);

    @Test
    void theCurrentAndRecentPeriodsAreAcceptedTheFutureAndTheTooOldAreNot() {
        assertNull(UsagePeriods.refusal(NOVEMBER, NOW));
        assertNull(UsagePeriods.refusal(OCTOBER, NOW), "October ended 25 days ago");
        assertNotNull(UsagePeriods.refusal(YearMonth.of(2026, 12), NOW));
        // September ended 55 days ago
        assertNotNull(UsagePeriods.refusal(YearMonth.of(2026, 9), NOW));
        // the last second of October is 34 days old at 2026-12-04T23:59:59Z; a second later it is refused
        assertNull(UsagePeriods.refusal(OCTOBER, Instant.parse("2026-12-04T23:59:58Z")));
        assertNotNull(UsagePeriods.refusal(OCTOBER, Instant.parse("2026-12-05T00:00:00Z")));
    }

    @Test
    void withoutOccurredAtTheEventLandsOnThePeriodsLastSecondButNeverLaterThanNow() {
        assertEquals(Instant.parse("2026-10-31T23:59:59Z").getEpochSecond(),
                UsagePeriods.meterTimestamp(OCTOBER, null, NOW));
        assertEquals(NOW.getEpochSecond(), UsagePeriods.meterTimestamp(NOVEMBER, null, NOW));
    }

    @Test
    void occurredAtIsClampedIntoThePeriodAndStripesWindow() {
        Instant inside = Instant.parse("2026-10-25T08:00:00Z");
        assertEquals(inside.getEpochSecond(), UsagePeriods.meterTimestamp(OCTOBER, inside, NOW));
        // before the period: its first second… unless that is older than 34 days
        long earliest = UsagePeriods.meterTimestamp(OCTOBER, Instant.parse("2026-01-01T00:00:00Z"), NOW);
        assertEquals(NOW.minus(UsagePeriods.ACCEPTED_AGE).getEpochSecond(), earliest);
        assertTrue(earliest >= Instant.parse("2026-10-01T00:00:00Z").getEpochSecond());
        // after the period: its last second
        assertEquals(Instant.parse("2026-10-31T23:59:59Z").getEpochSecond(),
                UsagePeriods.meterTimestamp(OCTOBER, Instant.parse("2026-11-10T00:00:00Z"), NOW));
        // in the future: now
        assertEquals(NOW.getEpochSecond(),
                UsagePeriods.meterTimestamp(NOVEMBER, Instant.parse("2026-11-29T00:00:00Z"), NOW));
    }
}
