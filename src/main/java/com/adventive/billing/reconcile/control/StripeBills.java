package com.adventive.billing.reconcile.control;

import com.adventive.billing.platform.control.Ids;
import com.adventive.billing.platform.control.Settings;
import com.adventive.billing.platform.control.StripeGateway;
import com.adventive.billing.reconcile.entity.PriceTiers;
import com.adventive.billing.reconcile.entity.StripeBill;
import com.stripe.exception.StripeException;
import com.stripe.model.Invoice;
import com.stripe.model.InvoiceLineItem;
import com.stripe.model.Price;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a listed Stripe invoice into what reconciliation compares. Each distinct price is fetched
 * once per run (with its tiers) and mapped to the ledger metric its meter counts; an invoice with
 * more lines than Stripe embeds has the rest paged from its /lines.
 */
@ApplicationScoped
public class StripeBills {

    @Inject
    StripeGateway stripe;

    @Inject
    Settings settings;

    /** Prices (and meters) already fetched in this run: a run's cache, never shared between runs. */
    public static final class PriceCache {
        final Map<String, Optional<PricedMetric>> prices = new ConcurrentHashMap<>();
        final Map<String, String> meterEventNames = new ConcurrentHashMap<>();
    }

    record PricedMetric(String metric, PriceTiers tiers) {
    }

    /** The invoice's period: the UTC month its billing period starts in. */
    public static String periodOf(Invoice invoice) {
        Long start = invoice.getPeriodStart() != null ? invoice.getPeriodStart() : invoice.getCreated();
        return YearMonth.from(Instant.ofEpochSecond(start).atZone(ZoneOffset.UTC)).toString();
    }

    public StripeBill bill(Invoice invoice, String acctId, PriceCache cache, StripeInvoiceListing.Counter counter)
            throws StripeException {
        List<InvoiceLineItem> items = invoice.getLines() == null || invoice.getLines().getData() == null
                ? List.of() : invoice.getLines().getData();
        if (invoice.getLines() != null && Boolean.TRUE.equals(invoice.getLines().getHasMore())) {
            counter.call();
            counter.needed();
            items = stripe.listAllLines(invoice.getId());
        }
        List<StripeBill.Line> lines = new ArrayList<>();
        for (InvoiceLineItem item : items) {
            String priceId = item.getPricing() != null && item.getPricing().getPriceDetails() != null
                    ? item.getPricing().getPriceDetails().getPrice() : null;
            PricedMetric priced = priceId == null ? null : priced(priceId, cache, counter).orElse(null);
            boolean invoiceItem = item.getParent() != null && "invoice_item_details".equals(item.getParent().getType());
            lines.add(new StripeBill.Line(item.getId(), priceId, priced == null ? null : priced.metric(),
                    item.getQuantity() == null ? 0 : item.getQuantity(), item.getAmount() == null ? 0 : item.getAmount(),
                    priced == null ? null : priced.tiers(), invoiceItem));
        }
        long credited = nz(invoice.getPrePaymentCreditNotesAmount()) + nz(invoice.getPostPaymentCreditNotesAmount());
        return new StripeBill(invoice.getId(), invoice.getCustomer(), acctId, periodOf(invoice), invoice.getCurrency(),
                invoice.getStatus(), nz(invoice.getTotal()), nz(invoice.getAmountDue()), credited, lines);
    }

    /** The account named in the invoice's metadata, when the account table has no row for its customer. */
    public static String metadataAccount(Invoice invoice) {
        String acct = invoice.getMetadata() == null ? null : invoice.getMetadata().get("acct_id");
        return acct != null && Ids.ACCOUNT.matches(acct) ? acct : null;
    }

    private Optional<PricedMetric> priced(String priceId, PriceCache cache, StripeInvoiceListing.Counter counter)
            throws StripeException {
        Optional<PricedMetric> known = cache.prices.get(priceId);
        if (known != null) {
            return known;
        }
        counter.call();
        counter.needed();
        Price price = stripe.retrievePriceWithTiers(priceId);
        Optional<PricedMetric> priced = Optional.empty();
        if (price.getRecurring() != null && "metered".equals(price.getRecurring().getUsageType())) {
            String metric = metricOf(price, cache, counter);
            priced = metric == null ? Optional.empty() : Optional.of(new PricedMetric(metric, tiersOf(price)));
        }
        cache.prices.put(priceId, priced);
        return priced;
    }

    private String metricOf(Price price, PriceCache cache, StripeInvoiceListing.Counter counter) throws StripeException {
        Map<String, String> metrics = settings.usageMetrics();
        if (metrics.size() == 1) {
            return metrics.keySet().iterator().next();
        }
        String meter = price.getRecurring().getMeter();
        if (meter == null) {
            return null;
        }
        String eventName = cache.meterEventNames.get(meter);
        if (eventName == null) {
            counter.call();
            counter.needed();
            eventName = stripe.meterEventName(meter);
            cache.meterEventNames.put(meter, eventName);
        }
        for (Map.Entry<String, String> entry : metrics.entrySet()) {
            if (entry.getValue().equals(eventName)) {
                return entry.getKey();
            }
        }
        return null;
    }

    static PriceTiers tiersOf(Price price) {
        if (price.getTiers() != null && !price.getTiers().isEmpty()) {
            List<PriceTiers.Tier> tiers = price.getTiers().stream().map(t -> new PriceTiers.Tier(t.getUpTo(),
                    decimal(t.getUnitAmountDecimal(), t.getUnitAmount()), decimal(t.getFlatAmountDecimal(), t.getFlatAmount())))
                    .toList();
            return new PriceTiers(price.getTiersMode() == null ? PriceTiers.VOLUME : price.getTiersMode(), tiers);
        }
        return PriceTiers.perUnit(decimal(price.getUnitAmountDecimal(), price.getUnitAmount()));
    }

    private static BigDecimal decimal(BigDecimal exact, Long whole) {
        return exact != null ? exact : whole == null ? BigDecimal.ZERO : BigDecimal.valueOf(whole);
    }

    private static long nz(Long value) {
        return value == null ? 0 : value;
    }
}
