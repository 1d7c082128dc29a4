package com.adventive.billing.usage.control;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Which periods Stripe still takes meter events for, and the timestamp a record's event carries.
 *
 * <p>Stripe refuses meter events whose timestamp is more than 35 days old. The worker keeps one
 * day of that for retries: a period is accepted while its last second is less than
 * {@link #ACCEPTED_AGE} (34 days) old, and no event timestamp is older than that at ingest. Periods
 * in the future (starting after now) are refused. A record's timestamp is its {@code occurred_at}
 * clamped into the period, or the period's last second when absent, never later than now and
 * never older than 34 days.
 */
final class UsagePeriods {

    static final Duration ACCEPTED_AGE = Duration.ofDays(34);
    private static final DateTimeFormatter PERIOD = DateTimeFormatter.ofPattern("uuuu-MM");

    private UsagePeriods() {
    }

    static Optional<YearMonth> parse(String period) {
        if (period == null || !period.matches("[0-9]{4}-[0-9]{2}")) {
            return Optional.empty();
        }
        try {
            return Optional.of(YearMonth.parse(period, PERIOD));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    static Instant start(YearMonth period) {
        return period.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    /** The period's last second. */
    static Instant end(YearMonth period) {
        return period.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).minusSeconds(1);
    }

    /** Null when acceptable, else why not. */
    static String refusal(YearMonth period, Instant now) {
        if (start(period).isAfter(now)) {
            return "period " + period + " has not started";
        }
        if (end(period).isBefore(now.minus(ACCEPTED_AGE))) {
            return "period " + period + " ended more than " + ACCEPTED_AGE.toDays()
                    + " days ago; Stripe no longer takes meter events for it";
        }
        return null;
    }

    /** The meter event's timestamp (epoch seconds); the period must be acceptable. */
    static long meterTimestamp(YearMonth period, Instant occurredAt, Instant now) {
        Instant oldest = later(start(period), now.minus(ACCEPTED_AGE));
        Instant latest = earlier(end(period), now);
        Instant wanted = occurredAt == null ? latest : occurredAt;
        Instant clamped = earlier(later(wanted, oldest), latest);
        return clamped.getEpochSecond();
    }

    static LocalDateTime utc(Instant instant) {
        return instant == null ? null : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
