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

    // --- Usage checks, managed-service jobs and credit notes. ---

    /** The quantity Stripe has aggregated for a customer on the meter of one event name, over [start, end). */
    /** {@code aggregation} is the meter's formula ({@code sum}, {@code count}, {@code last}): only a sum adds up quantities. */
    public record MeterTotal(String meterId, java.math.BigDecimal aggregatedValue, String aggregation) {
    }

    /**
     * What Stripe's meter event summaries add up to for one customer, meter event name and time
     * range (epoch seconds, on minute boundaries; end exclusive), for comparing with the ledger.
     * Empty when no meter in the account takes that event name. Stripe aggregates asynchronously,
     * so events sent in the last minutes may not be counted yet.
     */
    public java.util.Optional<MeterTotal> meterEventTotal(String eventName, String customerId, long startTime,
                                                          long endTime) throws StripeException {
        requireId(Ids.CUSTOMER, customerId);
        var meters = client().v1().billing().meters().list(
                com.stripe.param.billing.MeterListParams.builder().setLimit(100L).build());
        String meterId = null;
        String aggregation = null;
        for (com.stripe.model.billing.Meter meter : meters.autoPagingIterable()) {
            if (eventName.equals(meter.getEventName())) {
                meterId = meter.getId();
                aggregation = meter.getDefaultAggregation() == null ? null : meter.getDefaultAggregation().getFormula();
                if ("active".equals(meter.getStatus())) {
                    break;
                }
            }
        }
        if (meterId == null) {
            return java.util.Optional.empty();
        }
        var params = com.stripe.param.billing.MeterEventSummaryListParams.builder()
                .setCustomer(customerId)
                .setStartTime(startTime)
                .setEndTime(endTime)
                .setLimit(100L)
                .build();
        java.math.BigDecimal total = java.math.BigDecimal.ZERO;
        var summaries = client().v1().billing().meters().eventSummaries().list(meterId, params);
        for (com.stripe.model.billing.MeterEventSummary summary : summaries.autoPagingIterable()) {
            if (summary.getAggregatedValue() != null) {
                total = total.add(summary.getAggregatedValue());
            }
        }
        return java.util.Optional.of(new MeterTotal(meterId, total, aggregation));
    }

    /** What Stripe answered to a create call: the new object's id and the response as Stripe sent it. */
    public record CreatedObject(String id, String responseJson) {
    }

    /**
     * A pending invoice item on the customer, picked up by its next invoice. The idempotency key makes a
     * retry within Stripe's window (about 24 hours) return the first item instead of adding a second.
     */
    public CreatedObject createInvoiceItem(String customerId, long amount, String currency, String description,
                                           java.util.Map<String, String> metadata, String idempotencyKey)
            throws StripeException {
        var params = com.stripe.param.InvoiceItemCreateParams.builder()
                .setCustomer(requireId(Ids.CUSTOMER, customerId))
                .setAmount(amount)
                .setCurrency(currency)
                .setDescription(description)
                .putAllMetadata(metadata)
                .build();
        var options = com.stripe.net.RequestOptions.builder().setIdempotencyKey(idempotencyKey).build();
        com.stripe.model.InvoiceItem item = client().v1().invoiceItems().create(params, options);
        return new CreatedObject(item.getId(), responseOf(item));
    }

    /** One line of a credit note: against an invoice line ({@code invoiceLineItem}) or a custom line. */
    public record CreditNoteLine(String invoiceLineItem, String description, long amount) {
    }

    /**
     * Issues a credit note on an invoice, for {@code amount} or for {@code lines} (exactly one of
     * them). {@code reason} is one of Stripe's: duplicate, fraudulent, order_change,
     * product_unsatisfactory, or null.
     */
    public com.stripe.model.CreditNote createCreditNote(String invoiceId, Long amount, List<CreditNoteLine> lines,
                                                       String reason, String memo, java.util.Map<String, String> metadata,
                                                       String idempotencyKey) throws StripeException {
        var builder = com.stripe.param.CreditNoteCreateParams.builder()
                .setInvoice(requireId(Ids.INVOICE, invoiceId))
                .putAllMetadata(metadata);
        if (amount != null) {
            builder.setAmount(amount);
        }
        for (CreditNoteLine line : lines == null ? List.<CreditNoteLine>of() : lines) {
            var l = com.stripe.param.CreditNoteCreateParams.Line.builder();
            if (line.invoiceLineItem() != null) {
                l.setType(com.stripe.param.CreditNoteCreateParams.Line.Type.INVOICE_LINE_ITEM)
                        .setInvoiceLineItem(line.invoiceLineItem())
                        .setAmount(line.amount());
            } else {
                l.setType(com.stripe.param.CreditNoteCreateParams.Line.Type.CUSTOM_LINE_ITEM)
                        .setDescription(line.description())
                        .setQuantity(1L)
                        .setUnitAmount(line.amount());
            }
            builder.addLine(l.build());
        }
        if (reason != null) {
            for (var known : com.stripe.param.CreditNoteCreateParams.Reason.values()) {
                if (known.getValue().equals(reason)) {
                    builder.setReason(known);
                }
            }
        }
        if (memo != null) {
            builder.setMemo(memo);
        }
        var options = com.stripe.net.RequestOptions.builder().setIdempotencyKey(idempotencyKey).build();
        return client().v1().creditNotes().create(builder.build(), options);
    }

    private static String responseOf(ApiResource resource) {
        return resource.getLastResponse() != null ? resource.getLastResponse().body() : ApiResource.GSON.toJson(resource);
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

    // --- requests sent once (credit notes, managed jobs, meter events): how a failed call counts ---

    /**
     * Whether Stripe refused a write for good (a 4xx that asking again cannot change): not an
     * authentication or permission problem (401, 403), a conflict (409) or a rate limit (429),
     * which a later attempt may get past, and not a network failure (no status).
     */
    public static boolean refusedForGood(StripeException e) {
        Integer status = e.getStatusCode();
        return status != null && status >= 400 && status < 500
                && status != 401 && status != 403 && status != 409 && status != 429;
    }
}
