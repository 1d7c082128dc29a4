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

    // --- Invoice lifecycle: customers, subscriptions, disputes, payment-method links, event catch-up. ---

    /** The customer as Stripe has it now, as Stripe's JSON. */
    public String retrieveCustomerJson(String customerId) throws StripeException {
        return jsonOf(client().v1().customers().retrieve(requireId(Ids.CUSTOMER, customerId)));
    }

    /** The subscription as Stripe has it now (a canceled one too), as Stripe's JSON. */
    public String retrieveSubscriptionJson(String subscriptionId) throws StripeException {
        return jsonOf(client().v1().subscriptions().retrieve(requireId(Ids.SUBSCRIPTION, subscriptionId)));
    }

    /** The dispute as Stripe has it now, as Stripe's JSON. */
    public String retrieveDisputeJson(String disputeId) throws StripeException {
        return jsonOf(client().v1().disputes().retrieve(requireId(Ids.DISPUTE, disputeId)));
    }

    /** The invoice a payment intent paid, through Stripe's invoice payments (a charge names no invoice since basil). */
    public java.util.Optional<String> invoiceOfPaymentIntent(String paymentIntentId) throws StripeException {
        var params = com.stripe.param.InvoicePaymentListParams.builder()
                .setPayment(com.stripe.param.InvoicePaymentListParams.Payment.builder()
                        .setType(com.stripe.param.InvoicePaymentListParams.Payment.Type.PAYMENT_INTENT)
                        .setPaymentIntent(requireId(Ids.PAYMENT_INTENT, paymentIntentId)).build())
                .setLimit(1L).build();
        var page = client().v1().invoicePayments().list(params);
        return page.getData() == null ? java.util.Optional.empty()
                : page.getData().stream().map(p -> p.getInvoice()).filter(Ids.INVOICE::matches).findFirst();
    }

    /** A Stripe Customer Portal session for the customer; answers its URL. */
    public String createPortalSession(String customerId, String returnUrl) throws StripeException {
        var params = com.stripe.param.billingportal.SessionCreateParams.builder()
                .setCustomer(requireId(Ids.CUSTOMER, customerId))
                .setReturnUrl(returnUrl)
                .build();
        return client().v1().billingPortal().sessions().create(params).getUrl();
    }

    /** A Checkout session in setup mode (collects a card for later payments); answers its URL. */
    public String createSetupCheckoutSession(String customerId, String successUrl, String cancelUrl)
            throws StripeException {
        var params = com.stripe.param.checkout.SessionCreateParams.builder()
                .setMode(com.stripe.param.checkout.SessionCreateParams.Mode.SETUP)
                .setCustomer(requireId(Ids.CUSTOMER, customerId))
                .addPaymentMethodType(com.stripe.param.checkout.SessionCreateParams.PaymentMethodType.CARD)
                .setSuccessUrl(successUrl)
                .setCancelUrl(cancelUrl)
                .build();
        return client().v1().checkout().sessions().create(params).getUrl();
    }

    /** One page of Stripe's events created at or after {@code createdFrom} (epoch seconds), newest first, as Stripe's JSON. */
    public String listEventsPage(long createdFrom, String startingAfter, long pageSize) throws StripeException {
        var params = com.stripe.param.EventListParams.builder()
                .setCreated(com.stripe.param.EventListParams.Created.builder().setGte(createdFrom).build())
                .setLimit(pageSize);
        if (startingAfter != null) {
            params.setStartingAfter(requireId(Ids.EVENT, startingAfter));
        }
        return jsonOf(client().v1().events().list(params.build()));
    }

    private static String jsonOf(com.stripe.model.StripeObjectInterface object) {
        return object.getLastResponse() != null ? object.getLastResponse().body() : ApiResource.GSON.toJson(object);
    }
}
