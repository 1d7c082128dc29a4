package com.adventive.billing.webhook.control;

import java.util.regex.Pattern;

/**
 * The shape of a {@code Stripe-Signature} header, judged from the header alone so a request that
 * cannot possibly verify is refused before its body is read.
 *
 * <p>Stripe sends {@code t=<unix seconds>,v1=<hex>[,v1=<hex>…][,v0=<hex>]}. stripe-java parses the
 * header loosely and throws {@link NumberFormatException} or {@link ArrayIndexOutOfBoundsException}
 * for shapes such as {@code t}, {@code t=abc}, {@code t=1,v1} or a timestamp that overflows a long;
 * only headers of the exact shape below ever reach it.
 */
public final class SignatureHeader {

    /**
     * Ample for a timestamp and several signatures (each {@code v1=} plus 64 hex digits), as during a
     * secret rotation; a longer header is not one Stripe sends.
     */
    public static final int MAX_LENGTH = 1024;

    /** One {@code scheme=value} element: lower-case scheme, value of letters and digits only. */
    private static final Pattern ELEMENT = Pattern.compile("([a-z][a-z0-9]{0,15})=([A-Za-z0-9]{1,256})");
    /** Seconds since the epoch; twelve digits reach the year 33658 and can never overflow a long. */
    private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,12}");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");

    public enum Shape {
        /** No header, or an empty one. */
        MISSING,
        /** Present but not {@code t=<digits>,v1=<hex>…}: no secret could ever verify it. */
        MALFORMED,
        /** Shaped like Stripe's; whether it verifies depends on the body and the secrets. */
        WELL_FORMED
    }

    private SignatureHeader() {
    }

    public static Shape shapeOf(String header) {
        if (header == null || header.isEmpty()) {
            return Shape.MISSING;
        }
        if (header.length() > MAX_LENGTH) {
            return Shape.MALFORMED;
        }
        int timestamps = 0;
        int v1Signatures = 0;
        // split with -1 keeps trailing empty elements ("t=1,v1=ab,"), which are malformed too
        for (String element : header.split(",", -1)) {
            var parts = ELEMENT.matcher(element);
            if (!parts.matches()) {
                return Shape.MALFORMED;
            }
            String scheme = parts.group(1);
            String value = parts.group(2);
            if (scheme.equals("t")) {
                if (!TIMESTAMP.matcher(value).matches()) {
                    return Shape.MALFORMED;
                }
                timestamps++;
            } else if (scheme.equals("v1")) {
                if (!HEX.matcher(value).matches()) {
                    return Shape.MALFORMED;
                }
                v1Signatures++;
            }
        }
        return timestamps == 1 && v1Signatures >= 1 ? Shape.WELL_FORMED : Shape.MALFORMED;
    }
}
