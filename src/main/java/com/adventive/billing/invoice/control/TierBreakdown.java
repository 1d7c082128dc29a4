package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.InvoiceView.TierRow;
import com.stripe.model.Price;
import java.math.BigDecimal;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Explains how a tiered Stripe price charged a quantity, one row per tier used, with exact
 * integer/BigDecimal arithmetic.
 *
 * <ul>
 * <li>graduated: the units falling into each tier are charged at that tier's unit price, plus
 * the tier's flat fee for every tier the quantity reaches;</li>
 * <li>volume: all units are charged at the unit price of the one tier the total quantity falls
 * in, plus that tier's flat fee.</li>
 * </ul>
 *
 * A tier's range starts one unit after the previous tier's {@code up_to}; the last tier has no
 * {@code up_to}. Nothing is shown for a zero quantity, or for a price that is not tiered.
 */
public final class TierBreakdown {

    private static final Comparator<Price.Tier> BY_UPPER_BOUND_OPEN_LAST = Comparator.comparing(
            Price.Tier::getUpTo, Comparator.nullsLast(Comparator.naturalOrder()));

    private TierBreakdown() {
    }

    /** True when the price charges by tiers in a mode this class can explain. */
    public static boolean isTiered(Price price) {
        return price != null
                && price.getTiers() != null
                && !price.getTiers().isEmpty()
                && ("graduated".equals(price.getTiersMode()) || "volume".equals(price.getTiersMode()));
    }

    /** The tier rows for {@code quantity} units of {@code price}; empty when there is nothing to explain. */
    public static List<TierRow> rows(Price price, Long quantity, String currency) {
        if (!isTiered(price) || quantity == null || quantity <= 0) {
            return List.of();
        }
        List<Price.Tier> tiers = price.getTiers().stream()
                .filter(Objects::nonNull)
                .sorted(BY_UPPER_BOUND_OPEN_LAST)
                .toList();
        return "graduated".equals(price.getTiersMode())
                ? graduated(tiers, quantity, currency)
                : volume(tiers, quantity, currency);
    }

    private static List<TierRow> graduated(List<Price.Tier> tiers, long quantity, String currency) {
        List<TierRow> rows = new ArrayList<>();
        long firstUnit = 1;
        long remaining = quantity;
        for (Price.Tier tier : tiers) {
            Long upTo = tier.getUpTo();
            long capacity = upTo == null ? Long.MAX_VALUE : upTo - firstUnit + 1;
            long unitsInTier = Math.min(remaining, Math.max(0, capacity));
            if (unitsInTier > 0) {
                rows.add(row(tier, firstUnit, upTo, unitsInTier, currency));
                remaining -= unitsInTier;
            }
            if (upTo == null || remaining == 0) {
                break;
            }
            firstUnit = Math.max(firstUnit, upTo + 1);
        }
        return rows;
    }

    private static List<TierRow> volume(List<Price.Tier> tiers, long quantity, String currency) {
        long firstUnit = 1;
        for (Price.Tier tier : tiers) {
            Long upTo = tier.getUpTo();
            if (upTo == null || quantity <= upTo) {
                return List.of(row(tier, firstUnit, upTo, quantity, currency));
            }
            firstUnit = Math.max(firstUnit, upTo + 1);
        }
        // a tier list without an open-ended last tier cannot price this quantity: show nothing rather than guess
        return List.of();
    }

    private static TierRow row(Price.Tier tier, long firstUnit, Long upTo, long units, String currency) {
        BigDecimal unitPrice = unitPrice(tier);
        BigDecimal flatFee = flatFee(tier);
        BigDecimal amount = BigDecimal.ZERO;
        if (unitPrice != null) {
            amount = amount.add(unitPrice.multiply(BigDecimal.valueOf(units)));
        }
        if (flatFee != null) {
            amount = amount.add(flatFee);
        }
        return new TierRow(
                range(firstUnit, upTo),
                count(units),
                unitPrice == null ? "" : Money.formatMinor(unitPrice, currency),
                flatFee == null || flatFee.signum() == 0 ? "" : Money.formatMinor(flatFee, currency),
                Money.formatMinor(amount, currency),
                amount);
    }

    private static BigDecimal unitPrice(Price.Tier tier) {
        if (tier.getUnitAmountDecimal() != null) {
            return tier.getUnitAmountDecimal();
        }
        return tier.getUnitAmount() == null ? null : BigDecimal.valueOf(tier.getUnitAmount());
    }

    private static BigDecimal flatFee(Price.Tier tier) {
        if (tier.getFlatAmountDecimal() != null) {
            return tier.getFlatAmountDecimal();
        }
        return tier.getFlatAmount() == null ? null : BigDecimal.valueOf(tier.getFlatAmount());
    }

    /** "1 – 1,000", or "1,001 and above" for the open-ended last tier. */
    static String range(long firstUnit, Long upTo) {
        return upTo == null ? count(firstUnit) + " and above" : count(firstUnit) + " – " + count(upTo);
    }

    static String count(long units) {
        return NumberFormat.getIntegerInstance(Locale.US).format(units);
    }
}
