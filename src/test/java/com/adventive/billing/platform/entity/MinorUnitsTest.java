package com.adventive.billing.platform.entity;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MinorUnitsTest {

    @Test
    void wholeMinorUnitsInARealCurrencyAreAccepted() {
        assertNull(MinorUnits.refusal(12_500L, "usd"));
        assertNull(MinorUnits.refusal(5_000L, "jpy"), "JPY has no minor unit: 5000 is ¥5,000");
        assertNull(MinorUnits.refusal(1_230L, "kwd"), "KWD 1.230");
        assertNull(MinorUnits.refusal(MinorUnits.MAX_AMOUNT, "eur"));
    }

    @Test
    void threeDecimalCurrenciesNeedTheLastDigitZero() {
        assertTrue(MinorUnits.refusal(1_235L, "kwd").contains("multiple of 10"));
        assertNotNull(MinorUnits.refusal(1_001L, "bhd"));
    }

    @Test
    void nonsenseIsRefused() {
        assertNotNull(MinorUnits.refusal(100L, "USD"), "Stripe wants lower case");
        assertNotNull(MinorUnits.refusal(100L, "xyz"), "not ISO 4217");
        assertNotNull(MinorUnits.refusal(100L, null));
        assertNotNull(MinorUnits.refusal(0L, "usd"));
        assertNotNull(MinorUnits.refusal(-5L, "usd"));
        assertNotNull(MinorUnits.refusal(MinorUnits.MAX_AMOUNT + 1, "usd"));
        assertNotNull(MinorUnits.refusal(null, "usd"));
    }
}
