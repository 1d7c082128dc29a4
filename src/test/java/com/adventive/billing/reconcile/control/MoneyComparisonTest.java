package com.adventive.billing.reconcile.control;

import com.adventive.billing.reconcile.entity.LegacyBilling;
import com.adventive.billing.reconcile.entity.PriceTiers;
import com.adventive.billing.reconcile.entity.PriceTiers.Tier;
import com.adventive.billing.reconcile.entity.ReconciliationReport.Drift;
import com.adventive.billing.reconcile.entity.StripeBill;
import com.adventive.billing.reconcile.entity.WorkerBook;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each drift kind from plain values, and the tier arithmetic it rests on. */
class MoneyComparisonTest {

    static final String P = "2026-10";
    /** 2 (minor units) each up to 1,000, then 1. */
    static final PriceTiers GRADUATED = new PriceTiers("graduated", List.of(
            new Tier(1000L, BigDecimal.valueOf(2), BigDecimal.ZERO), new Tier(null, BigDecimal.ONE, BigDecimal.ZERO)));
    static final PriceTiers VOLUME = new PriceTiers("volume", List.of(
            new Tier(1000L, BigDecimal.valueOf(200), BigDecimal.ZERO), new Tier(null, BigDecimal.valueOf(100), BigDecimal.valueOf(500))));
    static final LegacyBilling NO_LEGACY = new LegacyBilling(Map.of(), Map.of(), true);

    @Test
    void graduatedAndVolumeTiersPriceAsStripeDoes() {
        assertAmount("2500", GRADUATED.amount(1500));
        assertAmount("2000", GRADUATED.amount(1000));
        assertAmount("2000", VOLUME.amount(10));
        assertAmount("150500", VOLUME.amount(1500), "every unit at the second tier, plus its flat fee");
        assertAmount("0", VOLUME.amount(0));
        assertAmount("1.5", PriceTiers.perUnit(new BigDecimal("0.5")).amount(3));
    }

    @Test
    void aMatchingInvoiceIsClean() {
        assertEquals(List.of(), compare(book("stripe", usage(1000, 500)), bill("open", line(1500, 2500, GRADUATED))));
    }

    @Test
    void oneMinorUnitOrMoreIsAnAmountMismatchWithBothAmounts() {
        Drift d = single(compare(book("stripe", usage(1000, 500)), bill("open", line(1500, 2501, GRADUATED))));
        assertEquals("amount_mismatch", d.kind());
        assertEquals(2500L, d.expected());
        assertEquals(2501L, d.actual());
        assertEquals(1L, d.delta());
    }

    @Test
    void lessThanOneMinorUnitIsRoundingAndNotCounted() {
        PriceTiers half = PriceTiers.perUnit(new BigDecimal("0.5"));
        Drift d = single(compare(book("stripe", usage(3)), bill("open", line(3, 2, half))));
        assertEquals("rounding", d.kind());
        assertEquals("1.5", d.expectedExact());
        assertTrue(!d.counted());
    }

    @Test
    void aRecordCountedTwiceIsDuplicateUsage() {
        Drift d = single(compare(book("stripe", usage(300, 200)), bill("open", line(700, 1400, GRADUATED))));
        assertEquals("duplicate_usage", d.kind());
        assertTrue(d.detail().contains("src-2"), d.detail());
    }

    @Test
    void usageStripeDidNotCountIsMissingUsageWithThePostToFixIt() {
        WorkerBook book = new WorkerBook("acct_a", "stripe", "cus_a", Map.of("impressions", List.of(
                new WorkerBook.Usage(1, "src-1", 400, "reported", null),
                new WorkerBook.Usage(2, "src-2", 100, "failed", "2026-10-05T00:00:00Z"))), Map.of(), List.of());
        Drift d = single(compare(book, bill("open", line(400, 800, GRADUATED))));
        assertEquals("missing_usage", d.kind());
        assertEquals("POST /usage {\"records\":[{\"acct_id\":\"acct_a\",\"period\":\"2026-10\",\"metric\":\"impressions\","
                + "\"quantity\":100,\"source_id\":\"src-2\",\"occurred_at\":\"2026-10-05T00:00:00Z\"}]}", d.fix());
    }

    @Test
    void usageWithoutAnInvoiceIsMissingInStripe() {
        Drift d = single(MoneyComparison.compare(P, book("stripe", usage(50)), List.of(), NO_LEGACY));
        assertEquals("missing_in_stripe", d.kind());
    }

    @Test
    void stripeUsageTheLedgerNeverRecordedIsMissingInLedger() {
        Drift d = single(compare(book("stripe", usage()), bill("open", line(10, 2000, GRADUATED))));
        assertEquals("missing_in_ledger", d.kind());
    }

    @Test
    void tiersThatDifferFromThePlanArePriceTierMismatch() {
        LegacyBilling legacy = new LegacyBilling(Map.of(), Map.of("acct_a", Map.of("impressions", VOLUME)), true);
        List<Drift> drifts = MoneyComparison.compare(P, book("stripe", usage(10)),
                List.of(bill("open", line(10, 20, GRADUATED))), legacy);
        assertEquals("price_tier_mismatch", single(drifts).kind());
    }

    @Test
    void aLegacyInvoiceForTheSamePeriodIsDoubleBillingRisk() {
        LegacyBilling legacy = new LegacyBilling(Map.of("acct_a", List.of(new LegacyBilling.Invoice("acct_a", P, 12000,
                "usd", "LEG-1"))), Map.of(), true);
        List<Drift> drifts = MoneyComparison.compare(P, book("stripe", usage()), List.of(bill("open")), legacy);
        assertEquals("double_billing_risk", single(drifts).kind());
    }

    @Test
    void anUncollectibleInvoiceIsReported() {
        assertEquals("uncollectible", single(compare(book("stripe", usage()), bill("uncollectible"))).kind());
    }

    @Test
    void creditNotesTheWorkerRecordedMustBeOnTheInvoice() {
        WorkerBook book = new WorkerBook("acct_a", "stripe", "cus_a", Map.of(), Map.of("in_1", 50L), List.of());
        Drift d = single(compare(book, bill("paid")));
        assertEquals("amount_mismatch", d.kind());
        assertEquals("credit_notes", d.metric());
    }

    private static void assertAmount(String expected, BigDecimal actual, String... why) {
        assertEquals(0, new BigDecimal(expected).compareTo(actual), expected + " vs " + actual.toPlainString()
                + (why.length > 0 ? ": " + why[0] : ""));
    }

    private static List<Drift> compare(WorkerBook book, StripeBill bill) {
        return MoneyComparison.compare(P, book, List.of(bill), NO_LEGACY);
    }

    private static Drift single(List<Drift> drifts) {
        assertEquals(1, drifts.size(), drifts.toString());
        return drifts.get(0);
    }

    private static WorkerBook book(String billedBy, List<WorkerBook.Usage> usage) {
        return new WorkerBook("acct_a", billedBy, "cus_a", usage.isEmpty() ? Map.of() : Map.of("impressions", usage),
                Map.of(), List.of());
    }

    private static List<WorkerBook.Usage> usage(long... quantities) {
        List<WorkerBook.Usage> list = new java.util.ArrayList<>();
        for (int i = 0; i < quantities.length; i++) {
            list.add(new WorkerBook.Usage(i + 1, "src-" + (i + 1), quantities[i], "reported", null));
        }
        return list;
    }

    private static StripeBill.Line line(long quantity, long amount, PriceTiers tiers) {
        return new StripeBill.Line("il_1", "price_1", "impressions", quantity, amount, tiers, false);
    }

    private static StripeBill bill(String status, StripeBill.Line... lines) {
        long total = List.of(lines).stream().mapToLong(StripeBill.Line::amount).sum();
        return new StripeBill("in_1", "cus_a", "acct_a", P, "usd", status, total, total, 0, List.of(lines));
    }
}
