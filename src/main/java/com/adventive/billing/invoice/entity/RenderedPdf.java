package com.adventive.billing.invoice.entity;

import com.adventive.billing.platform.entity.Texts;

/**
 * A rendered invoice PDF. {@code sha256} is the lowercase hex digest of {@code bytes}: since the
 * renderer is deterministic, the same invoice always gives the same digest, so it identifies the
 * document in the bucket and in the ledger.
 *
 * <p>The array is shared, not copied (PDFs can be megabytes): treat it as read-only.
 */
public record RenderedPdf(byte[] bytes, String sha256, int pages, long renderMillis) {

    public static RenderedPdf of(byte[] bytes, int pages, long renderMillis) {
        return new RenderedPdf(bytes, Texts.sha256Hex(bytes), pages, renderMillis);
    }

    public int size() {
        return bytes.length;
    }

}
