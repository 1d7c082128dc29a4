package com.adventive.billing.work.entity;

import java.util.Locale;

/** Lifecycle of a work item: pending → running → done | skipped | failed (failed can be retried). */
public enum WorkState {
    PENDING, RUNNING, DONE, SKIPPED, FAILED;

    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static WorkState of(String dbValue) {
        return valueOf(dbValue.toUpperCase(Locale.ROOT));
    }
}
