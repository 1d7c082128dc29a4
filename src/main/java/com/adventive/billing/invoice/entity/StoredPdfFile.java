package com.adventive.billing.invoice.entity;

/** One stored rendering of an invoice, read back from the bucket and checked against its recorded sha256. */
public record StoredPdfFile(String key, String fileName, byte[] bytes, String sha256, int versionNumber) {
}
