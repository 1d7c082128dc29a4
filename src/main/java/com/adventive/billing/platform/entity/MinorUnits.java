package com.adventive.billing.platform.entity;

import java.util.Currency;
import java.util.Locale;
import java.util.Set;

/**
 * Checks an amount an operator typed in the currency's minor unit (cents; yen; fils, three
 * digits) against Stripe's rules before it reaches Stripe: a real ISO 4217 code in lower case,
 * a positive whole number of at most eight digits (Stripe's limit for most currencies), and for
 * the three-decimal currencies a multiple of ten (Stripe requires the last digit to be 0).
 */
public final class MinorUnits {

    /** Stripe's three-decimal currencies (docs.stripe.com/currencies#three-decimal). */
    private static final Set<String> THREE_DECIMAL = Set.of("bhd", "jod", "kwd", "omr", "tnd");
    public static final long MAX_AMOUNT = 99_999_999L;

    private MinorUnits() {
    }

    /** Null when acceptable, else why not. */
    public static String refusal(Long amount, String currency) {
        if (currency == null || !currency.matches("[a-z]{3}")) {
            return "currency must be a three-letter ISO 4217 code in lower case, e.g. usd, jpy, kwd";
        }
        try {
            Currency.getInstance(currency.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return "currency " + currency + " is not an ISO 4217 currency";
        }
        if (amount == null) {
            return "amount must be a whole number in the currency's minor unit (cents; JPY has none; KWD has three digits)";
        }
        if (amount < 1 || amount > MAX_AMOUNT) {
            return "amount must be from 1 to " + MAX_AMOUNT + " in the currency's minor unit";
        }
        if (THREE_DECIMAL.contains(currency) && amount % 10 != 0) {
            return "amount in " + currency + " (three decimals) must be a multiple of 10: Stripe requires the last digit to be 0";
        }
        return null;
    }
}
