package com.adventive.billing.platform.entity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Small text helpers every capability needs the same way: digests, bounded columns, failure chains. */
public final class Texts {

    private Texts() {
    }

    /** Lowercase hex SHA-256. */
    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256(bytes));
    }

    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            // every Java platform is required to provide SHA-256
            throw new IllegalStateException(e);
        }
    }

    /** At most {@code max} characters, marked with an ellipsis when cut, so it fits its column. */
    public static String truncate(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        return text.substring(0, max - 1) + "…";
    }

    /** A failure and its causes on one line ({@code Type: message <- Cause: message}), at most {@code max} characters. */
    public static String describe(Throwable failure, int max) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null && text.length() < max; t = t.getCause()) {
            if (!text.isEmpty()) {
                text.append(" <- ");
            }
            text.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                text.append(": ").append(t.getMessage().strip());
            }
        }
        return truncate(text.toString(), max);
    }
}
