package com.adventive.billing.reconcile.control;

import com.adventive.billing.reconcile.entity.LegacyBilling;
import com.adventive.billing.reconcile.entity.PriceTiers;
import com.adventive.billing.reconcile.entity.ReconciliationReport.Drift;
import com.adventive.billing.reconcile.entity.StripeBill;
import com.adventive.billing.reconcile.entity.WorkerBook;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares, for one account and one period, what the worker's records say should have been billed
 * with what Stripe billed and with what the legacy system did. Pure: every input is given, so each
 * drift kind can be shown with plain values.
 *
 * <p>Usage is compared per metric, quantity first: a Stripe quantity above the ledger's by exactly
 * one record's quantity is that record counted twice ({@code duplicate_usage}); below it is
 * {@code missing_usage}. Equal quantities are then priced with the line's Stripe Price tiers and
 * compared with the line's amount: one minor unit or more is {@code amount_mismatch}, less is
 * {@code rounding} (not counted as drift). Licensed lines (plan fees) are Stripe's own business and
 * are not compared; managed-service jobs are compared with the invoice-item lines when the worker
 * has them; credit notes the worker recorded are compared with those Stripe applied.
 */
public final class MoneyComparison {

    private MoneyComparison() {
    }

    public static List<Drift> compare(String period, WorkerBook book, List<StripeBill> bills, LegacyBilling legacy) {
        List<Drift> drifts = new ArrayList<>();
        String acct = book.acctId();
        List<StripeBill> billed = bills.stream().filter(b -> !"void".equals(b.status()) && !"draft".equals(b.status()))
                .toList();
        if (billed.isEmpty()) {
            if (book.hasUsage() && !"legacy".equals(book.billedBy())) {
                for (String metric : book.usageByMetric().keySet()) {
                    long quantity = book.quantity(metric);
                    if (quantity == 0) {
                        continue;
                    }
                    PriceTiers legacyTiers = legacy.tiersByAccountAndMetric().getOrDefault(acct, Map.of()).get(metric);
                    Long expected = legacyTiers == null ? null : minor(legacyTiers.amount(quantity));
                    drifts.add(drift("missing_in_stripe", null, acct, period, metric, null, expected, null,
                            "the ledger has " + quantity + " " + metric + " for " + period
                                    + " and Stripe has no invoice for the account in the period",
                            "check the customer's subscription and meter in Stripe (is the customer "
                                    + book.stripeCustomerId() + " subscribed to the metered price?); "
                                    + "GET /admin/usage?account=" + acct + "&period=" + period + " shows what was reported",
                            null));
                }
            }
            return drifts;
        }
        List<LegacyBilling.Invoice> legacyInvoices = legacy.invoicesByAccount().getOrDefault(acct, List.of());
        if ("legacy".equals(book.billedBy()) || !legacyInvoices.isEmpty()) {
            StripeBill first = billed.get(0);
            String why = !legacyInvoices.isEmpty()
                    ? "the legacy system also invoiced the account for " + period + " (" + legacyInvoices.get(0).invoiceRef()
                    + ", " + legacyInvoices.get(0).amount() + " " + legacyInvoices.get(0).currency() + ")"
                    : "the account is billed by legacy in the account table, yet Stripe invoiced it";
            drifts.add(drift("double_billing_risk", first.invoiceId(), acct, period, null, first.currency(),
                    legacyInvoices.isEmpty() ? null : legacyInvoices.get(0).amount(), first.total(), why,
                    "decide which system bills the account for the period; void the other invoice "
                            + "(Stripe Dashboard, or the legacy admin) and set billed_by with PUT /admin/accounts/" + acct,
                    null));
        }
        for (StripeBill bill : billed) {
            if ("uncollectible".equals(bill.status())) {
                drifts.add(drift("uncollectible", bill.invoiceId(), acct, period, null, bill.currency(), bill.total(),
                        bill.total() - bill.amountDue(), "Stripe marked the invoice uncollectible; "
                                + bill.amountDue() + " was not collected",
                        "follow \"Failed payment — invoice not collected\": contact the customer, "
                                + "or write it off with a credit note", null));
            }
        }
        compareUsage(period, book, billed, legacy, drifts);
        compareManagedJobs(period, book, billed, drifts);
        compareCreditNotes(period, book, billed, drifts);
        return drifts;
    }

    /** A Stripe invoice for a customer no account of the worker's is mapped to. */
    public static Drift unknownAccount(String period, StripeBill bill) {
        return drift("missing_in_ledger", bill.invoiceId(), null, period, null, bill.currency(), null, bill.total(),
                "Stripe invoiced customer " + bill.customerId() + ", which no account in the account table is mapped to",
                "map the customer to its account with PUT /admin/accounts/{acct_id} "
                        + "{\"stripe_customer_id\":\"" + bill.customerId() + "\",\"billed_by\":\"stripe\"}", null);
    }

    private static void compareUsage(String period, WorkerBook book, List<StripeBill> bills, LegacyBilling legacy,
                                     List<Drift> drifts) {
        String acct = book.acctId();
        Map<String, List<StripeBill.Line>> stripeLines = new LinkedHashMap<>();
        Map<String, StripeBill> billOfMetric = new LinkedHashMap<>();
        for (StripeBill bill : bills) {
            for (StripeBill.Line line : bill.lines()) {
                if (line.metric() != null) {
                    stripeLines.computeIfAbsent(line.metric(), m -> new ArrayList<>()).add(line);
                    billOfMetric.putIfAbsent(line.metric(), bill);
                }
            }
        }
        Set<String> metrics = new LinkedHashSet<>(book.usageByMetric().keySet());
        metrics.addAll(stripeLines.keySet());
        StripeBill anyBill = bills.get(0);
        for (String metric : metrics) {
            List<StripeBill.Line> lines = stripeLines.getOrDefault(metric, List.of());
            StripeBill bill = billOfMetric.getOrDefault(metric, anyBill);
            String currency = bill.currency();
            long ledgerQuantity = book.quantity(metric);
            long stripeQuantity = lines.stream().mapToLong(StripeBill.Line::quantity).sum();
            long stripeAmount = lines.stream().mapToLong(StripeBill.Line::amount).sum();
            PriceTiers tiers = lines.stream().map(StripeBill.Line::tiers).filter(Objects::nonNull).findFirst()
                    .orElse(legacy.tiersByAccountAndMetric().getOrDefault(acct, Map.of()).get(metric));
            BigDecimal expectedExact = tiers == null ? null : tiers.amount(ledgerQuantity);
            Long expected = expectedExact == null ? null : minor(expectedExact);
            String usageLink = "GET /admin/usage?account=" + acct + "&period=" + period;

            PriceTiers legacyTiers = legacy.tiersByAccountAndMetric().getOrDefault(acct, Map.of()).get(metric);
            PriceTiers stripeTiers = lines.stream().map(StripeBill.Line::tiers).filter(Objects::nonNull).findFirst()
                    .orElse(null);
            if (legacyTiers != null && stripeTiers != null && !stripeTiers.sameAs(legacyTiers)) {
                String priceId = lines.get(0).priceId();
                drifts.add(drift("price_tier_mismatch", bill.invoiceId(), acct, period, metric, currency,
                        minor(legacyTiers.amount(ledgerQuantity)), minor(stripeTiers.amount(ledgerQuantity)),
                        "Stripe Price " + priceId + " is " + stripeTiers.describe() + " but account_plan_usage says "
                                + legacyTiers.describe(),
                        "put the account on the Stripe Price whose tiers match its plan (or correct account_plan_usage "
                                + "if the plan changed), then correct this invoice with a credit note for the delta", null));
            }

            if (ledgerQuantity == 0 && stripeQuantity > 0) {
                drifts.add(drift("missing_in_ledger", bill.invoiceId(), acct, period, metric, currency, 0L, stripeAmount,
                        "Stripe billed " + stripeQuantity + " " + metric + " for " + period
                                + "; the usage ledger has no record of it",
                        "find where the meter events came from (Stripe Dashboard → Billing → Meters → the customer); "
                                + "if they are not Adventive's measurements, credit the invoice with a credit note", null));
            } else if (stripeQuantity > ledgerQuantity) {
                long excess = stripeQuantity - ledgerQuantity;
                WorkerBook.Usage twice = book.usageByMetric().getOrDefault(metric, List.of()).stream()
                        .filter(u -> u.quantity() == excess).findFirst().orElse(null);
                long overcharge = expected == null ? 0 : stripeAmount - expected;
                if (twice != null) {
                    drifts.add(drift("duplicate_usage", bill.invoiceId(), acct, period, metric, currency, expected,
                            stripeAmount, "Stripe counted " + stripeQuantity + " " + metric + ", the ledger "
                                    + ledgerQuantity + ": record " + twice.recordId() + " (source_id " + twice.sourceId()
                                    + ", " + twice.quantity() + ") counted twice",
                            "follow \"Double-counted usage\": issue a credit note of " + overcharge + " (" + currency
                                    + " minor units) on " + bill.invoiceId() + "; " + usageLink, null));
                } else {
                    drifts.add(drift("amount_mismatch", bill.invoiceId(), acct, period, metric, currency, expected,
                            stripeAmount, "Stripe counted " + stripeQuantity + " " + metric + ", the ledger "
                                    + ledgerQuantity + " (" + excess + " more, matching no single record)",
                            "compare the meter's event summary with " + usageLink
                                    + "; credit the overcharge with a credit note", null));
                }
            } else if (stripeQuantity < ledgerQuantity) {
                List<WorkerBook.Usage> records = book.usageByMetric().getOrDefault(metric, List.of());
                List<WorkerBook.Usage> unreported = records.stream().filter(u -> !"reported".equals(u.state())).toList();
                List<WorkerBook.Usage> resend = unreported.isEmpty() ? records : unreported;
                drifts.add(drift("missing_usage", lines.isEmpty() ? bill.invoiceId() : bill.invoiceId(), acct, period,
                        metric, currency, expected, lines.isEmpty() ? 0L : stripeAmount,
                        "the ledger has " + ledgerQuantity + " " + metric + ", Stripe billed " + stripeQuantity
                                + " (" + (ledgerQuantity - stripeQuantity) + " missing; " + unreported.size()
                                + " record(s) not reported)",
                        "follow \"Missing usage\": send the records below to POST /usage (what Stripe already has "
                                + "answers duplicate); the next invoice carries them, or add an invoice item for the delta",
                        postUsage(acct, period, metric, resend)));
            } else if (expectedExact != null && ledgerQuantity > 0) {
                BigDecimal delta = BigDecimal.valueOf(stripeAmount).subtract(expectedExact);
                if (delta.abs().compareTo(BigDecimal.ONE) >= 0) {
                    drifts.add(drift("amount_mismatch", bill.invoiceId(), acct, period, metric, currency, expected,
                            stripeAmount, ledgerQuantity + " " + metric + " priced with " + tiers.describe() + " is "
                                    + expectedExact.toPlainString() + "; Stripe charged " + stripeAmount,
                            "follow \"Customer reports an incorrect invoice amount\": correct with a credit note "
                                    + "(overcharge) or an invoice item (undercharge) for the delta", null)
                            .withExact(expectedExact));
                } else if (delta.signum() != 0) {
                    drifts.add(drift("rounding", bill.invoiceId(), acct, period, metric, currency, expected, stripeAmount,
                            "under one minor unit: expected " + expectedExact.toPlainString() + ", Stripe " + stripeAmount,
                            "nothing for this invoice; if it repeats for the account, fix rounding", null)
                            .withExact(expectedExact));
                }
            }
        }
    }

    private static void compareManagedJobs(String period, WorkerBook book, List<StripeBill> bills, List<Drift> drifts) {
        if (book.managedJobs().isEmpty()) {
            return;
        }
        long expected = book.managedJobs().stream().mapToLong(WorkerBook.ManagedJob::amount).sum();
        long actual = bills.stream().flatMap(b -> b.lines().stream()).filter(StripeBill.Line::invoiceItem)
                .mapToLong(StripeBill.Line::amount).sum();
        if (expected != actual) {
            StripeBill bill = bills.get(0);
            drifts.add(drift("amount_mismatch", bill.invoiceId(), book.acctId(), period, "managed_jobs", bill.currency(),
                    expected, actual, "managed-service jobs: the worker recorded " + expected + ", Stripe's invoice items "
                            + actual, "compare GET /admin/managed-jobs?account=" + book.acctId() + " with the invoice's "
                            + "invoice items; add or credit the difference", null));
        }
    }

    private static void compareCreditNotes(String period, WorkerBook book, List<StripeBill> bills, List<Drift> drifts) {
        for (StripeBill bill : bills) {
            long recorded = book.creditNotesByInvoice().getOrDefault(bill.invoiceId(), 0L);
            if (recorded != bill.creditNotesAmount()) {
                drifts.add(drift("amount_mismatch", bill.invoiceId(), book.acctId(), period, "credit_notes",
                        bill.currency(), recorded, bill.creditNotesAmount(), "credit notes: the worker recorded "
                                + recorded + ", Stripe applied " + bill.creditNotesAmount(),
                        "open GET /admin/invoices/" + bill.invoiceId() + " (adjustments); replay the missing "
                                + "credit_note events with POST /admin/events/replay", null));
            }
        }
    }

    /** The exact POST /usage body that sends the records again under their own keys. */
    static String postUsage(String acct, String period, String metric, List<WorkerBook.Usage> records) {
        StringBuilder body = new StringBuilder("POST /usage {\"records\":[");
        for (int i = 0; i < records.size(); i++) {
            WorkerBook.Usage u = records.get(i);
            if (i > 0) {
                body.append(',');
            }
            body.append("{\"acct_id\":\"").append(acct).append("\",\"period\":\"").append(period)
                    .append("\",\"metric\":\"").append(metric).append("\",\"quantity\":").append(u.quantity())
                    .append(",\"source_id\":\"").append(u.sourceId().replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
            if (u.occurredAt() != null) {
                body.append(",\"occurred_at\":\"").append(u.occurredAt()).append('"');
            }
            body.append('}');
        }
        return body.append("]}").toString();
    }

    /** Stripe rounds a line's amount half up to a whole minor unit. */
    static long minor(BigDecimal exact) {
        return exact.setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    private static Drift drift(String kind, String invoiceId, String acct, String period, String metric, String currency,
                               Long expected, Long actual, String detail, String nextStep, String fix) {
        Long delta = expected == null || actual == null ? null : actual - expected;
        return new Drift(kind, invoiceId, acct, detail, period, metric, currency, expected, actual, delta, null,
                nextStep, fix, null);
    }
}
