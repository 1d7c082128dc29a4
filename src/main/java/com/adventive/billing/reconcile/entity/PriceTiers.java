package com.adventive.billing.reconcile.entity;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A tiered (or flat per-unit) price as plain numbers in the currency's minor unit, so the worker can
 * price a quantity exactly the way Stripe does and compare a Stripe Price with the legacy system's
 * {@code account_plan_usage} tiers.
 *
 * <ul>
 * <li>{@code graduated}: each tier's units at that tier's unit amount, plus the flat amount of every tier reached;</li>
 * <li>{@code volume}: every unit at the unit amount of the one tier the total falls in, plus its flat amount;</li>
 * <li>{@code per_unit}: one tier with no bound.</li>
 * </ul>
 */
public record PriceTiers(String mode, List<Tier> tiers) {

    public static final String GRADUATED = "graduated";
    public static final String VOLUME = "volume";
    public static final String PER_UNIT = "per_unit";

    /** {@code upTo} null is the open-ended last tier; amounts may have fractions of a minor unit (unit_amount_decimal). */
    public record Tier(Long upTo, BigDecimal unitAmount, BigDecimal flatAmount) {
        public Tier {
            unitAmount = unitAmount == null ? BigDecimal.ZERO : unitAmount.stripTrailingZeros();
            flatAmount = flatAmount == null ? BigDecimal.ZERO : flatAmount.stripTrailingZeros();
        }
    }

    public PriceTiers {
        tiers = tiers.stream().filter(Objects::nonNull)
                .sorted(Comparator.comparing(Tier::upTo, Comparator.nullsLast(Comparator.naturalOrder())))
                .toList();
    }

    public static PriceTiers perUnit(BigDecimal unitAmount) {
        return new PriceTiers(PER_UNIT, List.of(new Tier(null, unitAmount, BigDecimal.ZERO)));
    }

    /** The exact amount for {@code quantity} units, in minor units (may have a fraction Stripe rounds away). */
    public BigDecimal amount(long quantity) {
        if (quantity <= 0 || tiers.isEmpty()) {
            return BigDecimal.ZERO;
        }
        return GRADUATED.equals(mode) ? graduated(quantity) : volume(quantity);
    }

    private BigDecimal graduated(long quantity) {
        BigDecimal total = BigDecimal.ZERO;
        long firstUnit = 1;
        long remaining = quantity;
        for (Tier tier : tiers) {
            long capacity = tier.upTo() == null ? Long.MAX_VALUE : tier.upTo() - firstUnit + 1;
            long units = Math.min(remaining, Math.max(0, capacity));
            if (units > 0) {
                total = total.add(tier.unitAmount().multiply(BigDecimal.valueOf(units))).add(tier.flatAmount());
                remaining -= units;
            }
            if (tier.upTo() == null || remaining == 0) {
                break;
            }
            firstUnit = Math.max(firstUnit, tier.upTo() + 1);
        }
        return total;
    }

    private BigDecimal volume(long quantity) {
        for (Tier tier : tiers) {
            if (tier.upTo() == null || quantity <= tier.upTo()) {
                return tier.unitAmount().multiply(BigDecimal.valueOf(quantity)).add(tier.flatAmount());
            }
        }
        Tier last = tiers.get(tiers.size() - 1);
        return last.unitAmount().multiply(BigDecimal.valueOf(quantity)).add(last.flatAmount());
    }

    /** Same mode (per_unit counts as a one-tier volume price) and the same bounds and amounts. */
    public boolean sameAs(PriceTiers other) {
        if (other == null) {
            return false;
        }
        return normalMode().equals(other.normalMode()) && tiers.equals(other.tiers);
    }

    private String normalMode() {
        return PER_UNIT.equals(mode) || tiers.size() == 1 ? VOLUME : mode;
    }

    /** "graduated: ≤1000 @2, ≤∞ @1 +500" — short enough for a drift's detail. */
    public String describe() {
        StringBuilder text = new StringBuilder(mode).append(':');
        for (Tier tier : tiers) {
            text.append(' ').append(tier.upTo() == null ? "rest" : "up_to " + tier.upTo())
                    .append(" @").append(tier.unitAmount().toPlainString());
            if (tier.flatAmount().signum() != 0) {
                text.append(" +").append(tier.flatAmount().toPlainString());
            }
            text.append(';');
        }
        return text.toString();
    }
}
