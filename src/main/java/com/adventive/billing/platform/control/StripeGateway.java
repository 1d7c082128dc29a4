package com.adventive.billing.platform.control;

import com.stripe.Stripe;
import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.model.Invoice;
import com.stripe.model.InvoiceLineItem;
import com.stripe.model.Price;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.ApiResource;
import com.stripe.net.Webhook;
import com.stripe.param.InvoiceLineItemListParams;
import com.stripe.param.PriceRetrieveParams;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The only door to the Stripe API. The client is rebuilt whenever the key or base URL changes, so
 * a rotated STRIPE_SECRET_KEY is used by the next call. stripe-java retries network failures
 * and 429/5xx with its own backoff (and idempotency keys on writes).
 */
@ApplicationScoped
public class StripeGateway {

    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 30_000;
    private static final int NETWORK_RETRIES = 2;
    private static final long LINE_PAGE_SIZE = 100;

    @Inject
    Settings settings;

    private final AtomicReference<CachedClient> cached = new AtomicReference<>();

    private record CachedClient(String apiKey, String apiBase, StripeClient client) {
    }

    public boolean isConfigured() {
        return settings.stripeSecretKey().isPresent();
    }

    /** Stripe's own default: events signed more than five minutes ago are refused as replays. */
    public static final long WEBHOOK_TOLERANCE_SECONDS = Webhook.DEFAULT_TOLERANCE;

    /** Checks one {@code Stripe-Signature} header against one signing secret, as Stripe specifies it. */
    public static void verifyWebhookSignature(String payload, String signatureHeader, String secret)
            throws SignatureVerificationException {
        Webhook.Signature.verifyHeader(payload, signatureHeader, secret, WEBHOOK_TOLERANCE_SECONDS);
    }

    /** The API version this client speaks; an event's object in this version can be read as is. */
    public static String apiVersion() {
        return Stripe.API_VERSION;
    }

    /** An invoice as stripe-java models it, from the JSON of an event's {@code data.object}. */
    public Invoice invoiceFromJson(String json) {
        return ApiResource.GSON.fromJson(json, Invoice.class);
    }

    public Invoice retrieveInvoice(String invoiceId) throws StripeException {
        return client().v1().invoices().retrieve(requireId(Ids.INVOICE, invoiceId));
    }

    /** Every line of the invoice, following Stripe's pagination to the end. */
    public List<InvoiceLineItem> listAllLines(String invoiceId) throws StripeException {
        var params = InvoiceLineItemListParams.builder().setLimit(LINE_PAGE_SIZE).build();
        var page = client().v1().invoices().lineItems().list(requireId(Ids.INVOICE, invoiceId), params);
        List<InvoiceLineItem> lines = new ArrayList<>();
        for (InvoiceLineItem line : page.autoPagingIterable()) {
            lines.add(line);
        }
        return lines;
    }

    public Customer retrieveCustomer(String customerId) throws StripeException {
        return client().v1().customers().retrieve(requireId(Ids.CUSTOMER, customerId));
    }

    /** The price with its tiers, which Stripe only returns when asked. */
    public Price retrievePriceWithTiers(String priceId) throws StripeException {
        var params = PriceRetrieveParams.builder().addExpand("tiers").build();
        return client().v1().prices().retrieve(requireId(Ids.PRICE, priceId), params);
    }

    /** A cheap authenticated call: proves the key works and Stripe answers. */
    public void ping(int timeoutMillis) throws StripeException {
        StripeClient quick = builder().setConnectTimeout(timeoutMillis).setReadTimeout(timeoutMillis)
                .setMaxNetworkRetries(0).build();
        quick.v1().accounts().retrieveCurrent();
    }

    private StripeClient client() {
        String key = settings.stripeSecretKey().orElseThrow(
                () -> new InvalidSettingException("STRIPE_SECRET_KEY", "is not set"));
        String base = settings.stripeApiBase().orElse(null);
        CachedClient current = cached.get();
        if (current != null && current.apiKey().equals(key) && java.util.Objects.equals(current.apiBase(), base)) {
            return current.client();
        }
        StripeClient client = builder().build();
        cached.set(new CachedClient(key, base, client));
        return client;
    }

    private StripeClient.StripeClientBuilder builder() {
        String key = settings.stripeSecretKey().orElseThrow(
                () -> new InvalidSettingException("STRIPE_SECRET_KEY", "is not set"));
        var builder = StripeClient.builder()
                .setApiKey(key)
                .setConnectTimeout(CONNECT_TIMEOUT_MS)
                .setReadTimeout(READ_TIMEOUT_MS)
                .setMaxNetworkRetries(NETWORK_RETRIES);
        settings.stripeApiBase().ifPresent(base -> {
            builder.setApiBase(base);
            builder.setFilesBase(base);
            builder.setMeterEventsBase(base);
        });
        return builder;
    }

    private static String requireId(Ids shape, String id) {
        if (!shape.matches(id)) {
            throw new IllegalArgumentException("not a valid " + shape.name().toLowerCase() + " id");
        }
        return id;
    }

    // --- Metered usage: Billing Meter Events. ---

    /** What Stripe answered to a meter event: its identifier and the response as Stripe sent it. */
    public record MeterEventReceipt(String identifier, String responseJson) {
    }

    /**
     * Sends one Billing Meter Event. The identifier is also the idempotency key, so a retry of the
     * same event (stripe-java's own, or the work item's) within Stripe's window is answered with the
     * first result rather than counted twice; beyond that window only the caller's ledger protects.
     */
    public MeterEventReceipt createMeterEvent(String eventName, String customerId, long value, long timestamp,
                                              String identifier) throws StripeException {
        var params = com.stripe.param.billing.MeterEventCreateParams.builder()
                .setEventName(eventName)
                .setIdentifier(identifier)
                .setTimestamp(timestamp)
                .putPayload("stripe_customer_id", requireId(Ids.CUSTOMER, customerId))
                .putPayload("value", Long.toString(value))
                .build();
        var options = com.stripe.net.RequestOptions.builder().setIdempotencyKey(identifier).build();
        com.stripe.model.billing.MeterEvent event = client().v1().billing().meterEvents().create(params, options);
        String json = event.getLastResponse() != null ? event.getLastResponse().body() : ApiResource.GSON.toJson(event);
        return new MeterEventReceipt(event.getIdentifier() != null ? event.getIdentifier() : identifier, json);
    }

    // --- Reconciliation: one period's invoices, page by page. ---

    /** One page of a Stripe list: its objects, whether there are more, and the id to continue after. */
    public record InvoicePage(List<Invoice> invoices, boolean hasMore, String lastId) {
    }

    /**
     * One page (at most 100) of the invoices created in [createdFrom, createdTo), continuing after
     * {@code startingAfter} (null for the first page). No automatic retries: the caller pages on its
     * own, counts each call and backs off on 429 (a {@code StripeException} with status 429), so it
     * knows how many calls it made and resumes from the same cursor.
     */
    public InvoicePage listInvoicesPage(long createdFrom, long createdTo, String startingAfter, long limit)
            throws StripeException {
        var params = com.stripe.param.InvoiceListParams.builder()
                .setCreated(com.stripe.param.InvoiceListParams.Created.builder().setGte(createdFrom).setLt(createdTo).build())
                .setLimit(limit);
        if (startingAfter != null) {
            params.setStartingAfter(requireId(Ids.INVOICE, startingAfter));
        }
        StripeClient once = reconcileClient();
        var page = once.v1().invoices().list(params.build());
        List<Invoice> data = page.getData() == null ? List.of() : page.getData();
        return new InvoicePage(data, Boolean.TRUE.equals(page.getHasMore()),
                data.isEmpty() ? null : data.get(data.size() - 1).getId());
    }

    /** The event name of a Billing Meter: how a metered price's usage maps back to a ledger metric. */
    public String meterEventName(String meterId) throws StripeException {
        return reconcileClient().v1().billing().meters().retrieve(meterId).getEventName();
    }

    private final AtomicReference<CachedClient> reconcileClient = new AtomicReference<>();

    private StripeClient reconcileClient() {
        String key = settings.stripeSecretKey().orElseThrow(
                () -> new InvalidSettingException("STRIPE_SECRET_KEY", "is not set"));
        String base = settings.stripeApiBase().orElse(null);
        CachedClient current = reconcileClient.get();
        if (current != null && current.apiKey().equals(key) && java.util.Objects.equals(current.apiBase(), base)) {
            return current.client();
        }
        StripeClient client = builder().setMaxNetworkRetries(0).build();
        reconcileClient.set(new CachedClient(key, base, client));
        return client;
    }
}
