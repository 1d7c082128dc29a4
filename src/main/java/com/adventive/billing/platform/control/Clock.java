package com.adventive.billing.platform.control;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** Timestamps are stored as UTC wall time in TIMESTAMP columns, the same on Derby and PostgreSQL. */
public final class Clock {
    private Clock() {
    }

    public static LocalDateTime nowUtc() {
        return LocalDateTime.now(ZoneOffset.UTC);
    }

    public static LocalDateTime fromEpochSecond(long epochSecond) {
        return LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
    }
}
