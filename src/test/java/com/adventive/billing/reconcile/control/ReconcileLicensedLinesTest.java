package com.adventive.billing.reconcile.control;

import com.adventive.billing.reconcile.entity.LegacyBilling;
import com.adventive.billing.reconcile.entity.ReconciliationReport.Drift;
import com.adventive.billing.reconcile.entity.StripeBill;
import com.adventive.billing.reconcile.entity.WorkerBook;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A subscription's plan fee (a licensed line) is billed by Stripe from the subscription, not from the
 * usage ledger, so an invoice of plan fees only is not money drift; and an account the worker knows
 * only from the invoice's {@code acct_id} metadata (no account-table row, as the worker resolves it
 * when it delivers the invoice) is compared as that account, not as a customer nobody is mapped to.
 * AdminApiIT once reported such a delivered invoice as {@code missing_in_ledger}.
 */
class ReconcileLicensedLinesTest {

    static final String P = "2026-10";
    static final LegacyBilling NO_LEGACY = new LegacyBilling(Map.of(), Map.of(), true);

    @Test
    void anInvoiceOfPlanFeesOnlyIsCleanForAnAccountWithoutUsage() {
        WorkerBook book = new WorkerBook("acct_plan", null, null, Map.of(), Map.of(), List.of());
        assertEquals(List.of(), MoneyComparison.compare(P, book, List.of(planFeeBill("acct_plan")), NO_LEGACY));
    }

    @Test
    void planFeesBesideMeteredUsageAreNotCompared() {
        WorkerBook book = new WorkerBook("acct_plan", "stripe", "cus_plan", Map.of("impressions",
                List.of(new WorkerBook.Usage(1, "src-1", 10, "reported", null))), Map.of(), List.of());
        StripeBill bill = new StripeBill("in_mixed", "cus_plan", "acct_plan", P, "usd", "open", 2150, 2150, 0, List.of(
                licensed(2000),
                new StripeBill.Line("il_m", "price_m", "impressions", 10, 150,
                        com.adventive.billing.reconcile.entity.PriceTiers.perUnit(java.math.BigDecimal.valueOf(15)), false)));
        assertEquals(List.of(), MoneyComparison.compare(P, book, List.of(bill), NO_LEGACY));
    }

    @Test
    void anAccountResolvedFromTheInvoiceMetadataIsComparedNotUnknown() {
        Map<String, List<StripeBill>> byAccount = new HashMap<>();
        List<StripeBill> unknown = new ArrayList<>();
        StripeBill resolved = planFeeBill("acct_meta");
        StripeBill stranger = planFeeBill(null);
        Reconciliation.byAccount(List.of(resolved, stranger), byAccount, unknown);
        assertEquals(Map.of("acct_meta", List.of(resolved)), byAccount);
        assertEquals(List.of(stranger), unknown, "a customer no account is resolved for stays missing_in_ledger");
        Drift d = MoneyComparison.unknownAccount(P, stranger);
        assertEquals("missing_in_ledger", d.kind());
    }

    private static StripeBill planFeeBill(String acct) {
        return new StripeBill("in_plan_" + acct, "cus_plan", acct, P, "usd", "paid", 2000, 0, 0, List.of(licensed(2000)));
    }

    /** metric null: the price is licensed (a plan fee), as StripeBills maps it. */
    private static StripeBill.Line licensed(long amount) {
        return new StripeBill.Line("il_plan", "price_plan", null, 1, amount, null, false);
    }
}
