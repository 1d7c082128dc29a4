package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.InvoiceView;
import com.adventive.billing.invoice.entity.InvoiceView.Adjustment;
import com.adventive.billing.invoice.entity.InvoiceView.Customer;
import com.adventive.billing.invoice.entity.InvoiceView.Line;
import com.adventive.billing.invoice.entity.InvoiceView.Totals;
import com.adventive.billing.invoice.entity.Seller;
import com.stripe.model.Address;
import com.stripe.model.Coupon;
import com.stripe.model.Discount;
import com.stripe.model.Invoice;
import com.stripe.model.InvoiceLineItem;
import com.stripe.model.Price;
import com.stripe.model.TaxRate;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns a finalized Stripe invoice (API version 2025-08-27.basil, as stripe-java 29.5.0 models it)
 * into the {@link InvoiceView} that templates render. Deterministic and null-safe: the same input
 * gives an equal view, and any field Stripe leaves out renders as empty, never as an exception.
 */
@ApplicationScoped
public class InvoiceViewFactory {

    /**
     * @param invoice    the invoice; required
     * @param allLines   every line of the invoice, all pages fetched; when null, the lines embedded
     *                   in the invoice object (its first page) are used
     * @param pricesById prices referenced by the lines (with {@code tiers} expanded), used for tier
     *                   breakdowns and as a fallback unit price; may be null or incomplete
     * @param seller     the issuer block
     * @param accountId  our account id, carried for storage keys and logs
     */
    public InvoiceView create(Invoice invoice, List<InvoiceLineItem> allLines, Map<String, Price> pricesById,
            Seller seller, String accountId) {
        Objects.requireNonNull(invoice, "invoice");
        String currency = upper(invoice.getCurrency());
        List<InvoiceLineItem> lineItems = nonNull(allLines != null ? allLines : embeddedLines(invoice));
        Map<String, Price> prices = pricesById == null ? Map.of() : pricesById;

        String billingPeriod = billingPeriod(invoice, lineItems);
        return new InvoiceView(
                invoice.getId(),
                accountId,
                invoice.getNumber(),
                invoice.getStatus(),
                currency,
                seller,
                customer(invoice),
                InvoiceDates.day(firstPresent(invoice.getEffectiveAt(), finalizedAt(invoice), invoice.getCreated())),
                InvoiceDates.day(invoice.getDueDate()),
                billingPeriod,
                "charge_automatically".equals(invoice.getCollectionMethod()),
                invoice.getDescription(),
                invoice.getFooter(),
                lineItems.stream().map(line -> line(line, currency, prices, billingPeriod)).toList(),
                totals(invoice, currency),
                httpsOnly(invoice.getHostedInvoiceUrl()),
                documentEpochSecond(invoice));
    }

    private static List<InvoiceLineItem> embeddedLines(Invoice invoice) {
        return invoice.getLines() == null ? List.of() : invoice.getLines().getData();
    }

    private static Customer customer(Invoice invoice) {
        List<String> taxIds = invoice.getCustomerTaxIds() == null ? List.of()
                : invoice.getCustomerTaxIds().stream()
                        .filter(Objects::nonNull)
                        .map(Invoice.CustomerTaxId::getValue)
                        .filter(InvoiceViewFactory::present)
                        .toList();
        return new Customer(invoice.getCustomerName(), invoice.getCustomerEmail(),
                addressLines(invoice.getCustomerAddress()), taxIds);
    }

    /** Street lines, then "City, State Postcode", then the country's English name. */
    static List<String> addressLines(Address address) {
        if (address == null) {
            return List.of();
        }
        String cityState = joinPresent(", ", address.getCity(), address.getState());
        String locality = joinPresent(" ", cityState, address.getPostalCode());
        return Stream.of(address.getLine1(), address.getLine2(), locality, countryName(address.getCountry()))
                .filter(InvoiceViewFactory::present)
                .toList();
    }

    private static String countryName(String isoCountry) {
        if (!present(isoCountry)) {
            return "";
        }
        String name = new Locale("", isoCountry.trim().toUpperCase(Locale.ROOT)).getDisplayCountry(Locale.ENGLISH);
        return present(name) ? name : isoCountry;
    }

    /**
     * The invoice's own period when it spans time; Stripe sets period_start == period_end on
     * one-off invoices, so then (and when missing) the span of the line periods is the better answer.
     */
    private static String billingPeriod(Invoice invoice, List<InvoiceLineItem> lines) {
        Long start = invoice.getPeriodStart();
        Long end = invoice.getPeriodEnd();
        if (start != null && end != null && end > start) {
            return InvoiceDates.period(start, end);
        }
        Long lineStart = lines.stream().map(InvoiceLineItem::getPeriod).filter(Objects::nonNull)
                .map(InvoiceLineItem.Period::getStart).filter(Objects::nonNull).min(Long::compare).orElse(null);
        Long lineEnd = lines.stream().map(InvoiceLineItem::getPeriod).filter(Objects::nonNull)
                .map(InvoiceLineItem.Period::getEnd).filter(Objects::nonNull).max(Long::compare).orElse(null);
        if (lineStart != null || lineEnd != null) {
            return InvoiceDates.period(lineStart, lineEnd);
        }
        return InvoiceDates.period(start, end);
    }

    /** A line's period is printed only where it differs from the invoice's: the same dates on every line are noise. */
    private static Line line(InvoiceLineItem item, String invoiceCurrency, Map<String, Price> prices,
            String billingPeriod) {
        String currency = present(item.getCurrency()) ? upper(item.getCurrency()) : invoiceCurrency;
        String priceId = priceId(item);
        // immutable maps (Map.of) throw on a null key
        Price price = priceId == null ? null : prices.get(priceId);
        BigDecimal unitAmount = unitAmount(item, price);
        InvoiceLineItem.Period period = item.getPeriod();
        String linePeriod = period == null ? "" : InvoiceDates.period(period.getStart(), period.getEnd());
        return new Line(
                item.getDescription(),
                linePeriod.equals(billingPeriod) ? "" : linePeriod,
                item.getQuantity() == null ? "" : TierBreakdown.count(item.getQuantity()),
                unitAmount == null ? "" : Money.formatMinor(unitAmount, currency),
                Money.formatOrEmpty(item.getAmount(), currency),
                orZero(item.getAmount()),
                TierBreakdown.rows(price, item.getQuantity(), currency));
    }

    /** The line's price id, in basil's shape: {@code pricing.price_details.price}. */
    static String priceId(InvoiceLineItem item) {
        if (item.getPricing() == null || item.getPricing().getPriceDetails() == null) {
            return null;
        }
        return item.getPricing().getPriceDetails().getPrice();
    }

    /**
     * The unit price the line was billed at: the line's own (exact, may be sub-cent), else the
     * price's flat per-unit amount. A tiered price has no single unit price: its tier rows explain it.
     */
    private static BigDecimal unitAmount(InvoiceLineItem item, Price price) {
        if (item.getPricing() != null && item.getPricing().getUnitAmountDecimal() != null) {
            return item.getPricing().getUnitAmountDecimal();
        }
        if (price == null || TierBreakdown.isTiered(price)) {
            return null;
        }
        if (price.getUnitAmountDecimal() != null) {
            return price.getUnitAmountDecimal();
        }
        return price.getUnitAmount() == null ? null : BigDecimal.valueOf(price.getUnitAmount());
    }

    private static Totals totals(Invoice invoice, String currency) {
        List<Adjustment> discounts = new ArrayList<>();
        if (invoice.getTotalDiscountAmounts() != null) {
            for (Invoice.TotalDiscountAmount discount : invoice.getTotalDiscountAmounts()) {
                if (discount != null && orZero(discount.getAmount()) != 0) {
                    discounts.add(negative(discountLabel(invoice, discount), discount.getAmount(), currency));
                }
            }
        }
        if (invoice.getTotalPretaxCreditAmounts() != null) {
            // entries of type "discount" repeat total_discount_amounts; only credit grants are new here
            for (Invoice.TotalPretaxCreditAmount credit : invoice.getTotalPretaxCreditAmounts()) {
                if (credit != null && "credit_balance_transaction".equals(credit.getType())
                        && orZero(credit.getAmount()) != 0) {
                    discounts.add(negative("Credit applied", credit.getAmount(), currency));
                }
            }
        }

        List<Adjustment> taxes = new ArrayList<>();
        if (invoice.getTotalTaxes() != null) {
            for (Invoice.TotalTax tax : invoice.getTotalTaxes()) {
                if (tax != null && tax.getAmount() != null) {
                    taxes.add(new Adjustment(taxLabel(invoice, tax), Money.format(tax.getAmount(), currency),
                            tax.getAmount()));
                }
            }
        }

        List<Adjustment> balance = new ArrayList<>();
        if (orZero(invoice.getPrePaymentCreditNotesAmount()) != 0) {
            balance.add(negative("Credit notes", invoice.getPrePaymentCreditNotesAmount(), currency));
        }
        if (invoice.getStartingBalance() != null && invoice.getEndingBalance() != null
                && !invoice.getStartingBalance().equals(invoice.getEndingBalance())) {
            // a negative customer balance is credit; what this invoice used of it lowers the amount due
            long applied = invoice.getStartingBalance() - invoice.getEndingBalance();
            balance.add(new Adjustment("Applied balance", Money.format(applied, currency), applied));
        }

        Long remaining = invoice.getAmountRemaining();
        if (remaining == null && invoice.getAmountDue() != null && invoice.getAmountPaid() != null) {
            remaining = invoice.getAmountDue() - invoice.getAmountPaid();
        }
        if (remaining == null) {
            remaining = invoice.getAmountDue();
        }

        return new Totals(
                Money.formatOrEmpty(invoice.getSubtotal(), currency), orZero(invoice.getSubtotal()),
                discounts,
                taxes,
                Money.formatOrEmpty(invoice.getTotal(), currency), orZero(invoice.getTotal()),
                balance,
                Money.formatOrEmpty(invoice.getAmountPaid(), currency), orZero(invoice.getAmountPaid()),
                Money.formatOrEmpty(invoice.getAmountDue(), currency), orZero(invoice.getAmountDue()),
                Money.formatOrEmpty(remaining, currency), orZero(remaining));
    }

    private static Adjustment negative(String label, Long amount, String currency) {
        long minor = -orZero(amount);
        return new Adjustment(label, Money.format(minor, currency), minor);
    }

    /** "Discount (Spring sale, 20% off)" when the coupon is expanded, else "Discount". */
    private static String discountLabel(Invoice invoice, Invoice.TotalDiscountAmount amount) {
        Discount discount = amount.getDiscountObject();
        if (discount == null && amount.getDiscount() != null && invoice.getDiscountObjects() != null) {
            discount = invoice.getDiscountObjects().stream()
                    .filter(d -> d != null && amount.getDiscount().equals(d.getId()))
                    .findFirst().orElse(null);
        }
        Coupon coupon = discount == null ? null : discount.getCoupon();
        if (coupon == null) {
            return "Discount";
        }
        String percent = coupon.getPercentOff() == null ? "" : percent(coupon.getPercentOff()) + " off";
        String detail = joinPresent(", ", coupon.getName(), percent);
        return detail.isEmpty() ? "Discount" : "Discount (" + detail + ")";
    }

    /**
     * "VAT 20% (DE)" when the rate is among the invoice's default tax rates, else "Tax"; "included"
     * for tax-inclusive prices; the taxability reason when no tax was charged (e.g. "reverse charge").
     */
    private static String taxLabel(Invoice invoice, Invoice.TotalTax tax) {
        String rateId = tax.getTaxRateDetails() == null ? null : tax.getTaxRateDetails().getTaxRate();
        TaxRate rate = rateId == null || invoice.getDefaultTaxRates() == null ? null
                : invoice.getDefaultTaxRates().stream()
                        .filter(r -> r != null && rateId.equals(r.getId()))
                        .findFirst().orElse(null);
        String label = "Tax";
        if (rate != null) {
            String name = joinPresent(" ", present(rate.getDisplayName()) ? rate.getDisplayName() : "Tax",
                    rate.getPercentage() == null ? "" : percent(rate.getPercentage()));
            label = present(rate.getJurisdiction()) ? name + " (" + rate.getJurisdiction() + ")" : name;
        }
        if ("inclusive".equals(tax.getTaxBehavior())) {
            label += " included";
        }
        if (orZero(tax.getAmount()) == 0 && present(tax.getTaxabilityReason())
                && !"standard_rated".equals(tax.getTaxabilityReason())) {
            label += " – " + tax.getTaxabilityReason().replace('_', ' ');
        }
        return label;
    }

    private static String percent(BigDecimal percentage) {
        return percentage.stripTrailingZeros().toPlainString() + "%";
    }

    private static Long finalizedAt(Invoice invoice) {
        return invoice.getStatusTransitions() == null ? null : invoice.getStatusTransitions().getFinalizedAt();
    }

    /** The moment the document is dated in its PDF metadata: finalization, else creation. */
    private static long documentEpochSecond(Invoice invoice) {
        Long when = firstPresent(finalizedAt(invoice), invoice.getEffectiveAt(), invoice.getCreated());
        return when == null ? 0L : when;
    }

    /** Only an https link is printed: a link from invoice data must not become javascript: or file:. */
    private static String httpsOnly(String url) {
        return url != null && url.regionMatches(true, 0, "https://", 0, 8) ? url : "";
    }

    @SafeVarargs
    private static <T> T firstPresent(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list.stream().filter(Objects::nonNull).toList();
    }

    private static String joinPresent(String separator, String... parts) {
        return Stream.of(parts).filter(InvoiceViewFactory::present).map(String::trim)
                .collect(Collectors.joining(separator));
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }

    private static long orZero(Long value) {
        return value == null ? 0L : value;
    }

    private static String upper(String currency) {
        return currency == null ? "" : currency.trim().toUpperCase(Locale.ROOT);
    }
}
