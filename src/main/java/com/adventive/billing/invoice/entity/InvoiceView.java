package com.adventive.billing.invoice.entity;

import java.math.BigDecimal;
import java.util.List;

/**
 * Everything an invoice document or email shows, already in display form: money values are
 * formatted strings in the invoice's currency, dates are formatted UTC days, and anything Stripe
 * left out is an empty string or empty list, never null. The raw minor-unit amounts ride along
 * for decisions (is anything due?) and for tests, never for display.
 *
 * <p>Templates read this through its accessors; it carries no markup, so the template engine's
 * escaping is what keeps invoice data from becoming HTML.
 */
public record InvoiceView(
        String invoiceId,
        String accountId,
        String number,
        String status,
        String currency,
        Seller seller,
        Customer customer,
        String issueDate,
        String dueDate,
        String billingPeriod,
        boolean chargedAutomatically,
        String memo,
        String footer,
        List<Line> lines,
        Totals totals,
        String hostedInvoiceUrl,
        long documentEpochSecond) {

    public InvoiceView {
        invoiceId = orEmpty(invoiceId);
        accountId = orEmpty(accountId);
        number = orEmpty(number);
        status = orEmpty(status);
        currency = orEmpty(currency);
        seller = seller == null ? new Seller(null, null, null, null) : seller;
        customer = customer == null ? new Customer(null, null, null, null) : customer;
        issueDate = orEmpty(issueDate);
        dueDate = orEmpty(dueDate);
        billingPeriod = orEmpty(billingPeriod);
        memo = orEmpty(memo);
        footer = orEmpty(footer);
        lines = lines == null ? List.of() : List.copyOf(lines);
        totals = totals == null ? Totals.EMPTY : totals;
        hostedInvoiceUrl = orEmpty(hostedInvoiceUrl);
    }

    /** True when nothing is left to pay, so emails say "paid" instead of asking for money. */
    public boolean settled() {
        return totals.amountRemainingMinor() <= 0;
    }

    /** Who is billed, as printed in the "Bill to" block. */
    public record Customer(String name, String email, List<String> addressLines, List<String> taxIds) {
        public Customer {
            name = orEmpty(name);
            email = orEmpty(email);
            addressLines = addressLines == null ? List.of() : List.copyOf(addressLines);
            taxIds = taxIds == null ? List.of() : List.copyOf(taxIds);
        }
    }

    /**
     * One invoice line. {@code tiers} is non-empty only for a tiered price, and then explains how
     * the quantity was charged tier by tier.
     */
    public record Line(
            String description,
            String period,
            String quantity,
            String unitPrice,
            String amount,
            long amountMinor,
            List<TierRow> tiers) {
        public Line {
            description = orEmpty(description);
            period = orEmpty(period);
            quantity = orEmpty(quantity);
            unitPrice = orEmpty(unitPrice);
            amount = orEmpty(amount);
            tiers = tiers == null ? List.of() : List.copyOf(tiers);
        }
    }

    /**
     * One tier of a tiered price as applied to a line's quantity. The amount is exact in minor
     * units (a tier with a sub-cent unit price can leave a fraction of a cent), so it is a
     * BigDecimal; Stripe's line amount remains the figure that is charged.
     */
    public record TierRow(
            String range,
            String quantity,
            String unitPrice,
            String flatFee,
            String amount,
            BigDecimal amountMinor) {
        public TierRow {
            range = orEmpty(range);
            quantity = orEmpty(quantity);
            unitPrice = orEmpty(unitPrice);
            flatFee = orEmpty(flatFee);
            amount = orEmpty(amount);
            amountMinor = amountMinor == null ? BigDecimal.ZERO : amountMinor;
        }
    }

    /** A labelled amount in the totals block: a discount (negative), a tax, an applied balance. */
    public record Adjustment(String label, String amount, long amountMinor) {
        public Adjustment {
            label = orEmpty(label);
            amount = orEmpty(amount);
        }
    }

    /**
     * The totals block, top to bottom. Discounts are negative; taxes are listed by rate;
     * {@code balanceAdjustments} are what changed the amount due after the total (customer
     * balance, credit notes).
     */
    public record Totals(
            String subtotal,
            long subtotalMinor,
            List<Adjustment> discounts,
            List<Adjustment> taxes,
            String total,
            long totalMinor,
            List<Adjustment> balanceAdjustments,
            String amountPaid,
            long amountPaidMinor,
            String amountDue,
            long amountDueMinor,
            String amountRemaining,
            long amountRemainingMinor) {

        static final Totals EMPTY = new Totals(null, 0, null, null, null, 0, null, null, 0, null, 0, null, 0);

        public Totals {
            subtotal = orEmpty(subtotal);
            discounts = discounts == null ? List.of() : List.copyOf(discounts);
            taxes = taxes == null ? List.of() : List.copyOf(taxes);
            total = orEmpty(total);
            balanceAdjustments = balanceAdjustments == null ? List.of() : List.copyOf(balanceAdjustments);
            amountPaid = orEmpty(amountPaid);
            amountDue = orEmpty(amountDue);
            amountRemaining = orEmpty(amountRemaining);
        }

        /** Whether any payment has been made, so the document shows what was paid and what remains. */
        public boolean partlyOrFullyPaid() {
            return amountPaidMinor != 0;
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
