package com.adventive.billing.admin.entity;

import java.time.Instant;

/** One stored rendering of an invoice PDF; {@code current} is the one the next email attaches. */
public record PdfVersionView(int version, String key, String sha256, long size, int pages, Instant storedAt,
                             boolean current) {
}
