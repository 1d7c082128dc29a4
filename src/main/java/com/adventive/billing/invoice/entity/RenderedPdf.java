package com.adventive.billing.invoice.entity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A rendered invoice PDF. {@code sha256} is the lowercase hex digest of {@code bytes}: since the
 * renderer is deterministic, the same invoice always gives the same digest, so it identifies the
 * document in the bucket and in the ledger.
 *
 * <p>The array is shared, not copied (PDFs can be megabytes): treat it as read-only.
 */
public record RenderedPdf(byte[] bytes, String sha256, int pages, long renderMillis) {

    public static RenderedPdf of(byte[] bytes, int pages, long renderMillis) {
        return new RenderedPdf(bytes, sha256Hex(bytes), pages, renderMillis);
    }

    public int size() {
        return bytes.length;
    }

    /** Lowercase hex SHA-256 of the given bytes. */
    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            // every Java platform is required to provide SHA-256
            throw new IllegalStateException(e);
        }
    }
}
