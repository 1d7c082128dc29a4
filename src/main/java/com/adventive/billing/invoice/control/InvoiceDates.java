package com.adventive.billing.invoice.control;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Formats Stripe timestamps (Unix seconds) as calendar days in UTC, e.g. "25 Nov 2026". UTC, not
 * the server's zone, so a re-render anywhere prints the same date; day-month-year with a named
 * month, so no reader mistakes 03/04 for 4 March.
 */
public final class InvoiceDates {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM uuuu", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private InvoiceDates() {
    }

    /** {@code 1795564800} → "25 Nov 2026"; null → "". */
    public static String day(Long epochSecond) {
        return epochSecond == null ? "" : DAY.format(Instant.ofEpochSecond(epochSecond));
    }

    /** "1 Nov 2026 – 30 Nov 2026", or a single day when both ends fall on the same day. */
    public static String period(Long startEpochSecond, Long endEpochSecond) {
        String start = day(startEpochSecond);
        String end = day(endEpochSecond);
        if (start.isEmpty() || end.isEmpty() || start.equals(end)) {
            return start.isEmpty() ? end : start;
        }
        return start + " – " + end;
    }
}
