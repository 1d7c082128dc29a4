package com.adventive.billing.invoice.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adventive.billing.invoice.entity.InvoiceView.TierRow;
import com.stripe.model.Price;
import com.stripe.net.ApiResource;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class TierBreakdownTest {

    /** 1–1,000 at 10¢; 1,001–10,000 at 8¢; above at 5¢ plus a $5.00 flat fee. Listed out of order on purpose. */
    private static Price price(String mode) {
        return ApiResource.GSON.fromJson("""
                {"id": "price_t", "object": "price", "currency": "usd", "billing_scheme": "tiered",
                 "tiers_mode": "%s",
                 "tiers": [
                   {"up_to": null, "unit_amount": 5, "unit_amount_decimal": "5", "flat_amount": 500},
                   {"up_to": 1000, "unit_amount": 10, "unit_amount_decimal": "10"},
                   {"up_to": 10000, "unit_amount": 8, "unit_amount_decimal": "8"}
                 ]}
                """.formatted(mode), Price.class);
    }

    /** The breakdown of {@code quantity} under a tiered price in {@code currency}, as Stripe would send it. */
    private static List<TierRow> rows(String mode, String tiersJson, long quantity, String currency) {
        Price price = ApiResource.GSON.fromJson("""
                {"id": "price_case", "object": "price", "currency": "%s", "tiers_mode": "%s", "tiers": %s}
                """.formatted(currency, mode, tiersJson), Price.class);
        return TierBreakdown.rows(price, quantity, currency);
    }

    private static BigDecimal sum(List<TierRow> rows) {
        return rows.stream().map(TierRow::amountMinor).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    @Test
    void graduatedChargesEachTierForTheUnitsThatFallInIt() {
        List<TierRow> rows = TierBreakdown.rows(price("graduated"), 12_500L, "usd");

        assertEquals(3, rows.size());
        assertEquals(new TierRow("1 – 1,000", "1,000", "$0.10", "", "$100.00", new BigDecimal("10000")), rows.get(0));
        assertEquals(new TierRow("1,001 – 10,000", "9,000", "$0.08", "", "$720.00", new BigDecimal("72000")), rows.get(1));
        assertEquals(new TierRow("10,001 and above", "2,500", "$0.05", "$5.00", "$130.00", new BigDecimal("13000")),
                rows.get(2));
        // what the customer is charged: $100 + $720 + $125 + $5 flat
        assertEquals(new BigDecimal("95000"), sum(rows));
    }

    @Test
    void graduatedStopsAtTheTierTheQuantityEndsIn() {
        List<TierRow> exactlyFirstTier = TierBreakdown.rows(price("graduated"), 1_000L, "usd");
        assertEquals(1, exactlyFirstTier.size());
        assertEquals("1,000", exactlyFirstTier.get(0).quantity());
        assertEquals("$100.00", exactlyFirstTier.get(0).amount());

        List<TierRow> oneIntoSecond = TierBreakdown.rows(price("graduated"), 1_001L, "usd");
        assertEquals(2, oneIntoSecond.size());
        assertEquals("1", oneIntoSecond.get(1).quantity());
        assertEquals("$0.08", oneIntoSecond.get(1).amount());
    }

    @Test
    void volumeChargesAllUnitsAtTheTierTheTotalFallsIn() {
        List<TierRow> rows = TierBreakdown.rows(price("volume"), 12_500L, "usd");
        assertEquals(List.of(new TierRow("10,001 and above", "12,500", "$0.05", "$5.00", "$630.00",
                new BigDecimal("63000"))), rows);

        List<TierRow> small = TierBreakdown.rows(price("volume"), 500L, "usd");
        assertEquals(List.of(new TierRow("1 – 1,000", "500", "$0.10", "", "$50.00", new BigDecimal("5000"))), small);

        List<TierRow> onBoundary = TierBreakdown.rows(price("volume"), 10_000L, "usd");
        assertEquals("1,001 – 10,000", onBoundary.get(0).range());
        assertEquals("$800.00", onBoundary.get(0).amount());
    }

    @Test
    void subCentUnitPricesAreMultipliedExactly() {
        // 1,000,003 events at 0.0125¢ = 12,500.0375¢: no float drift, nothing rounded away
        List<TierRow> rows = rows("graduated", """
                [{"up_to": null, "unit_amount_decimal": "0.0125"}]""", 1_000_003L, "usd");
        assertEquals(new BigDecimal("12500.0375"), rows.get(0).amountMinor());
        assertEquals("$125.000375", rows.get(0).amount());
        assertEquals("$0.000125", rows.get(0).unitPrice());
    }

    @Test
    void zeroDecimalCurrencyTiers() {
        List<TierRow> rows = rows("graduated", """
                [{"up_to": 100, "unit_amount": 50}, {"up_to": null, "unit_amount": 30}]""", 150L, "jpy");
        assertEquals("¥5,000", rows.get(0).amount());
        assertEquals("¥1,500", rows.get(1).amount());
    }

    @Test
    void flatFeeOnlyTierHasNoUnitPrice() {
        TierRow row = rows("volume", """
                [{"up_to": 5, "flat_amount": 2000}, {"up_to": null, "flat_amount": 5000}]""", 3L, "usd").get(0);
        assertEquals("", row.unitPrice());
        assertEquals("$20.00", row.flatFee());
        assertEquals("$20.00", row.amount());
    }

    @Test
    void nothingToExplainWithoutTiersOrQuantity() {
        Price perUnit = ApiResource.GSON.fromJson(SampleInvoices.fixture("openapi/objects-v1932/price.json"),
                Price.class);
        assertTrue(TierBreakdown.rows(perUnit, 10L, "usd").isEmpty());
        assertTrue(TierBreakdown.rows(null, 10L, "usd").isEmpty());
        assertTrue(TierBreakdown.rows(price("graduated"), 0L, "usd").isEmpty());
        assertTrue(TierBreakdown.rows(price("graduated"), null, "usd").isEmpty());
    }

    @Test
    void volumeWithoutAnOpenEndedTierDoesNotGuess() {
        assertTrue(rows("volume", """
                [{"up_to": 10, "unit_amount": 100}]""", 11L, "usd").isEmpty());
    }
}
