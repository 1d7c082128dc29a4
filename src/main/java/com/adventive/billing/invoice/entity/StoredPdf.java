package com.adventive.billing.invoice.entity;

/** An invoice PDF as it is in the bucket; renderMillis is 0 when the stored copy was reused. */
public record StoredPdf(String key, byte[] bytes, String sha256, int pages, long renderMillis) {

    public long size() {
        return bytes.length;
    }
}
