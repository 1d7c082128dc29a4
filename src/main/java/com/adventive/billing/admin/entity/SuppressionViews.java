package com.adventive.billing.admin.entity;

import java.time.Instant;
import java.util.List;

/** The suppression list as the admin API answers it (JSON property names are snake_case). */
public final class SuppressionViews {

    private SuppressionViews() {
    }

    /**
     * One suppressed recipient: why, since when, and where it came from (mailgun: a permanent failure or
     * complaint Mailgun reported; operator: added through the API, created_by says who; null: written by SQL).
     */
    public record SuppressionView(String email, String reason, String source, String createdBy, Instant createdAt) {
    }

    /** A page in address order; pass next_after as after for the next one (null: no more). */
    public record SuppressionPage(List<SuppressionView> items, String nextAfter) {
    }

    /** What a removal took off the list. */
    public record SuppressionRemoved(String email, boolean removed, SuppressionView was) {
    }
}
