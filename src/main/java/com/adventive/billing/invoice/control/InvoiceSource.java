package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.LoadedInvoice;
import com.adventive.billing.platform.control.Ids;
import com.adventive.billing.platform.control.StripeGateway;
import com.adventive.billing.webhook.entity.ReceivedEvent;
import com.adventive.billing.work.control.PermanentWorkFailure;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.model.Invoice;
import com.stripe.model.InvoiceLineItem;
import com.stripe.model.Price;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gets the complete invoice for an event. A finalized invoice's amounts cannot change, so the
 * event's copy is used when stripe-java can read it as is (same API version, lines present);
 * otherwise — null, older or newer api_version — the invoice is fetched from Stripe. Remaining
 * line pages are always fetched when the event's list is truncated.
 */
@ApplicationScoped
public class InvoiceSource {

    @Inject
    StripeGateway stripe;

    /** @throws InvoiceNotFoundException when the event's copy is not usable and Stripe no longer has the invoice */
    public LoadedInvoice load(ReceivedEvent event) throws StripeException, PermanentWorkFailure, InvoiceNotFoundException {
        JsonObject object = event.dataObject();
        if (object == null) {
            throw new PermanentWorkFailure("event_malformed", "event has no data.object");
        }
        String invoiceId = object.get("id") instanceof JsonString s ? s.getString() : null;
        if (!Ids.INVOICE.matches(invoiceId)) {
            throw new PermanentWorkFailure("event_malformed", "event data.object has no valid invoice id");
        }
        boolean usable = StripeGateway.apiVersion().equals(event.apiVersion()) && object.get("lines") instanceof JsonObject;
        Invoice invoice = usable
                ? stripe.invoiceFromJson(object.toString())
                : retrieveExisting(invoiceId);
        if (!invoiceId.equals(invoice.getId())) {
            throw new PermanentWorkFailure("stripe_response_invalid", "Stripe returned a different invoice id");
        }
        List<InvoiceLineItem> lines = allLines(invoice);
        return new LoadedInvoice(invoice, lines, tieredPrices(lines), !usable);
    }

    /** The current state of an invoice straight from Stripe, for operator-triggered work. */
    public LoadedInvoice fetch(String invoiceId) throws StripeException {
        Invoice invoice = stripe.retrieveInvoice(invoiceId);
        List<InvoiceLineItem> lines = allLines(invoice);
        return new LoadedInvoice(invoice, lines, tieredPrices(lines), true);
    }

    /**
     * The invoice's status as Stripe has it now, for deciding whether it may still be sent.
     * Only the status is taken: the amounts of a finalized invoice cannot change.
     *
     * @throws InvoiceNotFoundException when Stripe answers 404 (the invoice was deleted)
     */
    public String currentStatus(String invoiceId) throws StripeException, InvoiceNotFoundException {
        return retrieveExisting(invoiceId).getStatus();
    }

    private Invoice retrieveExisting(String invoiceId) throws StripeException, InvoiceNotFoundException {
        try {
            return stripe.retrieveInvoice(invoiceId);
        } catch (InvalidRequestException e) {
            if (Integer.valueOf(404).equals(e.getStatusCode())) {
                throw new InvoiceNotFoundException(invoiceId, e);
            }
            throw e;
        }
    }

    private List<InvoiceLineItem> allLines(Invoice invoice) throws StripeException {
        var list = invoice.getLines();
        boolean complete = list != null && list.getData() != null && !Boolean.TRUE.equals(list.getHasMore());
        return complete ? new ArrayList<>(list.getData()) : stripe.listAllLines(invoice.getId());
    }

    /**
     * Metered subscription lines show a tier breakdown; the tiers live on the Price, which Stripe
     * returns only on request. A price Stripe no longer knows is shown without tiers.
     */
    private Map<String, Price> tieredPrices(List<InvoiceLineItem> lines) throws StripeException {
        Set<String> priceIds = new LinkedHashSet<>();
        for (InvoiceLineItem line : lines) {
            boolean fromSubscription = line.getParent() != null
                    && "subscription_item_details".equals(line.getParent().getType());
            String priceId = line.getPricing() != null && line.getPricing().getPriceDetails() != null
                    ? line.getPricing().getPriceDetails().getPrice() : null;
            if (fromSubscription && Ids.PRICE.matches(priceId)) {
                priceIds.add(priceId);
            }
        }
        Map<String, Price> prices = new LinkedHashMap<>();
        for (String priceId : priceIds) {
            try {
                Price price = stripe.retrievePriceWithTiers(priceId);
                if (price.getTiers() != null && !price.getTiers().isEmpty()) {
                    prices.put(priceId, price);
                }
            } catch (InvalidRequestException e) {
                // 4xx for this price: render the line without a breakdown rather than block the invoice
            }
        }
        return prices;
    }

    /** Stripe answers 404 for the invoice: deleted (or the API key belongs to another Stripe account). */
    public static class InvoiceNotFoundException extends Exception {
        private final String invoiceId;

        public InvoiceNotFoundException(String invoiceId, Throwable cause) {
            super("Stripe has no invoice " + invoiceId + " (404 " + codeOf(cause) + ")", cause);
            this.invoiceId = invoiceId;
        }

        public String invoiceId() {
            return invoiceId;
        }

        private static String codeOf(Throwable cause) {
            return cause instanceof StripeException s && s.getCode() != null ? s.getCode() : "not found";
        }
    }
}
