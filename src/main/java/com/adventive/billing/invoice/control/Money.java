package com.adventive.billing.invoice.control;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Formats Stripe amounts for people. Stripe sends money as integers in the currency's minor unit
 * ({@code 1234} USD is $12.34, {@code 1234} JPY is ¥1,234, {@code 1234} KWD is KWD 1.234), and
 * some prices as decimal strings in minor units with sub-minor precision ({@code "0.0125"} USD
 * cents). Everything here is exact: BigDecimal, never double, and never rounded.
 *
 * <p>Output uses US English conventions (the invoices are in English): symbol first, comma
 * grouping, dot decimals, a leading minus for credits. A currency whose symbol is a code
 * ({@code KWD}, {@code CHF}) gets a space before the number, as CLDR's currency spacing asks.
 */
public final class Money {

    /** Stripe's documented zero-decimal currencies (docs.stripe.com/currencies#zero-decimal). */
    private static final Set<String> ZERO_DECIMAL = Set.of(
            "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND",
            "VUV", "XAF", "XOF", "XPF");

    /** Stripe's three-decimal currencies (docs.stripe.com/currencies#three-decimal). */
    private static final Set<String> THREE_DECIMAL = Set.of("BHD", "JOD", "KWD", "OMR", "TND");

    private static final Locale DISPLAY_LOCALE = Locale.US;

    /** Prototypes per currency and scale; DecimalFormat is not thread-safe, so callers get clones. */
    private static final Map<String, DecimalFormat> PROTOTYPES = new ConcurrentHashMap<>();

    private Money() {
    }

    /**
     * How many digits of a Stripe amount in this currency sit after the decimal point: 0, 3 or 2.
     * This is Stripe's rule, not ISO 4217's: ISK, for one, is two-decimal in the Stripe API.
     */
    public static int minorUnitDigits(String currency) {
        String code = normalize(currency);
        if (ZERO_DECIMAL.contains(code)) {
            return 0;
        }
        if (THREE_DECIMAL.contains(code)) {
            return 3;
        }
        return 2;
    }

    /** {@code 1234, "usd"} → {@code "$12.34"}; {@code -500, "usd"} → {@code "-$5.00"}. */
    public static String format(long minorUnits, String currency) {
        return formatMinor(BigDecimal.valueOf(minorUnits), currency);
    }

    /** Null-safe variant for optional Stripe fields: a missing amount renders as empty. */
    public static String formatOrEmpty(Long minorUnits, String currency) {
        return minorUnits == null ? "" : format(minorUnits, currency);
    }

    /**
     * An amount in minor units that may carry sub-minor precision, as in Stripe's
     * {@code unit_amount_decimal}: {@code 0.0125} USD cents → {@code "$0.000125"}. Shows at least
     * the currency's usual digits and as many more as the value needs, so nothing is rounded away.
     */
    public static String formatMinor(BigDecimal minorUnits, String currency) {
        if (minorUnits == null) {
            return "";
        }
        String code = normalize(currency);
        int digits = minorUnitDigits(code);
        BigDecimal major = minorUnits.movePointLeft(digits);
        return formatMajor(major, code, displayScale(major, code, digits));
    }

    /**
     * Digits after the point: the Stripe exponent, or more when the value has sub-minor precision.
     * A currency that ISO treats as whole units but Stripe keeps two-decimal (ISK) drops ".00"
     * when the value is whole, as people write it.
     */
    private static int displayScale(BigDecimal major, String code, int stripeDigits) {
        int needed = Math.max(0, major.stripTrailingZeros().scale());
        int usual = stripeDigits;
        Currency currency = knownCurrency(code);
        if (currency != null && currency.getDefaultFractionDigits() >= 0
                && currency.getDefaultFractionDigits() < stripeDigits && needed <= currency.getDefaultFractionDigits()) {
            usual = currency.getDefaultFractionDigits();
        }
        return Math.max(usual, needed);
    }

    private static String formatMajor(BigDecimal major, String code, int scale) {
        DecimalFormat format = (DecimalFormat) PROTOTYPES
                .computeIfAbsent(code + "/" + scale, key -> prototype(code, scale))
                .clone();
        return format.format(major);
    }

    private static DecimalFormat prototype(String code, int scale) {
        DecimalFormat format = (DecimalFormat) NumberFormat.getCurrencyInstance(DISPLAY_LOCALE);
        DecimalFormatSymbols symbols = format.getDecimalFormatSymbols();
        Currency currency = knownCurrency(code);
        String symbol;
        if (currency != null) {
            format.setCurrency(currency);
            symbols.setCurrency(currency);
            symbol = currency.getSymbol(DISPLAY_LOCALE);
        } else {
            // a code Java does not know still prints, as its own code
            symbol = code.isEmpty() ? "" : code;
        }
        if (!symbol.isEmpty() && Character.isLetter(symbol.charAt(symbol.length() - 1))) {
            symbol = symbol + " ";
        }
        symbols.setCurrencySymbol(symbol);
        format.setDecimalFormatSymbols(symbols);
        format.setMinimumFractionDigits(scale);
        format.setMaximumFractionDigits(scale);
        format.setRoundingMode(RoundingMode.UNNECESSARY);
        return format;
    }

    private static Currency knownCurrency(String code) {
        if (code.isEmpty()) {
            return null;
        }
        try {
            return Currency.getInstance(code);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String normalize(String currency) {
        return currency == null ? "" : currency.trim().toUpperCase(Locale.ROOT);
    }
}
