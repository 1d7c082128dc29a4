package com.adventive.billing.invoice.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MoneyTest {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            // two-decimal: cents
            "usd | 1234      | $12.34",
            "usd | 0         | $0.00",
            "usd | 5         | $0.05",
            "usd | 123456789 | $1,234,567.89",
            "eur | 1234      | €12.34",
            "gbp | 1234      | £12.34",
            "cad | 1234      | CA$12.34",
            "chf | 1234      | CHF 12.34",
            // zero-decimal per Stripe: the integer is the amount
            "jpy | 1234      | ¥1,234",
            "krw | 50000     | ₩50,000",
            "vnd | 1234      | ₫1,234",
            "clp | 1234      | CLP 1,234",
            "mga | 1234      | MGA 1,234",      // ISO says 2 decimals; Stripe says 0, and Stripe's integer is what we get
            // three-decimal
            "kwd | 1234      | KWD 1.234",
            "bhd | 1000      | BHD 1.000",
            "jod | 1         | JOD 0.001",
            "omr | 1234      | OMR 1.234",
            "tnd | 1234      | TND 1.234",
            // ISK: whole krónur in ISO, but Stripe keeps it two-decimal (100 = 1 króna)
            "isk | 4000      | ISK 40",
            "isk | 4050      | ISK 40.50",
            // case and unknown codes
            "USD | 1234      | $12.34",
            "xyz | 1234      | XYZ 12.34",
            // credits and discounts carry a leading minus
            "usd | -500      | -$5.00",
            "usd | -123456   | -$1,234.56",
            "jpy | -1234     | -¥1,234",
            "kwd | -1234     | -KWD 1.234",
    })
    void formatsMinorUnitsAsPeopleWriteThem(String currency, long minor, String expected) {
        assertEquals(expected, Money.format(minor, currency));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            // Stripe unit_amount_decimal: minor units, up to 12 decimal places, never rounded away
            "usd | 0.0125       | $0.000125",
            "usd | 2000         | $20.00",
            "usd | 1234.5       | $12.345",
            "usd | 0.1          | $0.001",
            "usd | 0.000000000001 | $0.00000000000001",
            "jpy | 0.5          | ¥0.5",
            "jpy | 150          | ¥150",
            "kwd | 1234.5       | KWD 1.2345",
    })
    void formatsSubMinorUnitPricesExactly(String currency, String minorDecimal, String expected) {
        assertEquals(expected, Money.formatMinor(new BigDecimal(minorDecimal), currency));
    }

    @Test
    void missingOrGarbledAmountsRenderEmpty() {
        assertEquals("", Money.formatOrEmpty(null, "usd"));
        assertEquals("", Money.formatMinor(null, "usd"));
    }

    @Test
    void missingCurrencyStillShowsTheNumber() {
        assertEquals("12.34", Money.format(1234, null));
    }

    @Test
    void minorUnitDigitsFollowStripeNotIso() {
        assertEquals(0, Money.minorUnitDigits("JPY"));
        assertEquals(0, Money.minorUnitDigits("ugx"));
        assertEquals(3, Money.minorUnitDigits("KWD"));
        assertEquals(2, Money.minorUnitDigits("ISK"));
        assertEquals(2, Money.minorUnitDigits("HUF"));
        assertEquals(2, Money.minorUnitDigits("USD"));
    }
}
