package com.adventive.billing.it.support;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Stripe payloads for tests. Files come from {@code src/test/resources/stripe-fixtures} (a copy of
 * the shared fixtures, see its SOURCES.md); events are built on top of the synthesized
 * {@code invoice.finalized} fixture, so every field the real object has is there, and only what a
 * test cares about (ids, customer, lines, amounts, api_version) is replaced.
 */
public final class Fixtures {

    public static final String INVOICE_FINALIZED_TEMPLATE =
            "events/synthesized-from-openapi-fixtures3-v1932/invoice.finalized.json";
    public static final String CUSTOMER_TEMPLATE = "openapi/objects-v1932/customer.json";
    public static final String PRICE_TEMPLATE = "openapi/objects-v1932/price.json";
    public static final String DEFAULT_API_VERSION = "2025-08-27.basil";

    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Fixtures() {
    }

    /** The fixtures folder: failsafe's {@code stripe.fixtures.dir}, else the copy on the test classpath. */
    public static Path dir() {
        String configured = System.getProperty("stripe.fixtures.dir");
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured);
        }
        return Paths.get("src/test/resources/stripe-fixtures").toAbsolutePath();
    }

    public static String text(String relativePath) {
        Path file = dir().resolve(relativePath);
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8);
            }
            try (InputStream in = Fixtures.class.getResourceAsStream("/stripe-fixtures/" + relativePath)) {
                if (in == null) {
                    throw new IllegalArgumentException("no fixture " + relativePath + " in " + dir() + " or on the classpath");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fixture " + relativePath, e);
        }
    }

    public static JsonObject json(String relativePath) {
        return parse(text(relativePath));
    }

    public static JsonObject parse(String json) {
        return Json.createReader(new StringReader(json)).readObject();
    }

    /** An id in Stripe's shape: prefix and random alphanumerics, e.g. {@code stripeId("in_", 24)}. */
    public static String stripeId(String prefix, int length) {
        StringBuilder id = new StringBuilder(prefix);
        for (int i = 0; i < length; i++) {
            id.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
        }
        return id.toString();
    }

    public static InvoiceEventBuilder invoiceFinalized() {
        return new InvoiceEventBuilder();
    }

    /**
     * A built event and everything a test needs to stub Stripe consistently with it: the invoice as
     * GET /v1/invoices/{id} returns it, every line (the event embeds only the first page) and the customer.
     */
    public record FinalizedInvoice(String eventId, String invoiceId, String customerId, String acctId,
                                   String customerEmail, String priceId, long amountDue, String eventJson,
                                   String invoiceJson, List<String> lineJsons, String customerJson) {

        public byte[] eventBytes() {
            return eventJson.getBytes(StandardCharsets.UTF_8);
        }
    }

    /** One invoice line as a test describes it; amounts in the currency's minor unit. */
    public record Line(String description, long quantity, long unitAmount) {
        public long amount() {
            return quantity * unitAmount;
        }
    }

    /** A postal address, as Stripe's {@code customer_address}. */
    public record Address(String line1, String line2, String city, String postalCode, String state, String country) {
        JsonObject toJson() {
            JsonObjectBuilder json = Json.createObjectBuilder();
            putNullable(json, "city", city);
            putNullable(json, "country", country);
            putNullable(json, "line1", line1);
            putNullable(json, "line2", line2);
            putNullable(json, "postal_code", postalCode);
            putNullable(json, "state", state);
            return json.build();
        }
    }

    public static final class InvoiceEventBuilder {

        /** Stripe embeds at most this many lines in an invoice object; the rest is paged from /lines. */
        private static final int STRIPE_EMBEDDED_LINES = 10;
        /** Unit amount of generated lines, so that they agree with {@code Fixtures.price(priceId, currency, 1500)}. */
        public static final long GENERATED_UNIT_AMOUNT = 1500;

        private String eventId = stripeId("evt_", 24);
        private String type = "invoice.finalized";
        private String apiVersion = DEFAULT_API_VERSION;
        private String invoiceId = stripeId("in_", 24);
        private String status = "open";
        private String currency = "usd";
        private String customerId = stripeId("cus_", 14);
        private String customerName = "Globex Corporation";
        private String customerEmail = "ap@globex.example";
        private Address customerAddress = new Address("100 Industrial Way", null, "Springfield", "97477", "OR", "US");
        private String acctId = stripeId("acct_", 16);
        private String number = stripeId("", 8).toUpperCase() + "-0001";
        private String priceId = stripeId("price_", 24);
        private String productId = stripeId("prod_", 14);
        private String subscriptionId = stripeId("sub_", 24);
        private Instant finalizedAt = Instant.now();
        private Duration period = Duration.ofDays(30);
        private int embeddedLines = STRIPE_EMBEDDED_LINES;
        private final List<Line> lines = new ArrayList<>();

        private InvoiceEventBuilder() {
        }

        public InvoiceEventBuilder eventId(String value) { eventId = value; return this; }
        public InvoiceEventBuilder type(String value) { type = value; return this; }
        /** null writes {@code "api_version": null}, as 2012-era events have. */
        public InvoiceEventBuilder apiVersion(String value) { apiVersion = value; return this; }
        public InvoiceEventBuilder invoiceId(String value) { invoiceId = value; return this; }
        public InvoiceEventBuilder status(String value) { status = value; return this; }
        public InvoiceEventBuilder currency(String value) { currency = value; return this; }
        public InvoiceEventBuilder customerId(String value) { customerId = value; return this; }
        public InvoiceEventBuilder customerName(String value) { customerName = value; return this; }
        public InvoiceEventBuilder customerEmail(String value) { customerEmail = value; return this; }
        public InvoiceEventBuilder customerAddress(Address value) { customerAddress = value; return this; }
        /** {@code metadata.acct_id}: the worker's own account id; null leaves metadata empty. */
        public InvoiceEventBuilder acctId(String value) { acctId = value; return this; }
        public InvoiceEventBuilder number(String value) { number = value; return this; }
        public InvoiceEventBuilder priceId(String value) { priceId = value; return this; }
        public InvoiceEventBuilder finalizedAt(Instant value) { finalizedAt = value; return this; }
        public InvoiceEventBuilder period(Duration value) { period = value; return this; }
        /** How many lines the invoice object embeds (Stripe: 10); the rest only via /lines pages. */
        public InvoiceEventBuilder embeddedLines(int value) { embeddedLines = value; return this; }

        public InvoiceEventBuilder line(String description, long quantity, long unitAmount) {
            lines.add(new Line(description, quantity, unitAmount));
            return this;
        }

        /** Adds {@code count} generated lines of the one price (15.00 each), quantities 1 to 3. */
        public InvoiceEventBuilder lines(int count) {
            int first = lines.size() + 1;
            for (int i = 0; i < count; i++) {
                int n = first + i;
                line("Adventive Growth plan, workspace " + n, 1 + (n % 3), GENERATED_UNIT_AMOUNT);
            }
            return this;
        }

        public FinalizedInvoice build() {
            if (lines.isEmpty()) {
                lines(1);
            }
            JsonObject template = json(INVOICE_FINALIZED_TEMPLATE);
            JsonObject templateInvoice = template.getJsonObject("data").getJsonObject("object");
            JsonObject templateLine = templateInvoice.getJsonObject("lines").getJsonArray("data").getJsonObject(0);

            long finalized = finalizedAt.getEpochSecond();
            long periodEnd = finalized;
            long periodStart = finalizedAt.minus(period).getEpochSecond();

            List<String> lineJsons = new ArrayList<>();
            for (Line line : lines) {
                lineJsons.add(line(templateLine, line, periodStart, periodEnd).toString());
            }
            JsonArrayBuilder embedded = Json.createArrayBuilder();
            lineJsons.stream().limit(embeddedLines).map(Fixtures::parse).forEach(embedded::add);
            long total = lines.stream().mapToLong(Line::amount).sum();

            JsonObjectBuilder metadata = Json.createObjectBuilder();
            if (acctId != null) {
                metadata.add("acct_id", acctId);
            }
            JsonObject invoice = Json.createObjectBuilder(templateInvoice)
                    .add("id", invoiceId)
                    .add("account_name", "Adventive")
                    .add("amount_due", total)
                    .add("amount_paid", 0)
                    .add("amount_remaining", total)
                    .add("amount_overpaid", 0)
                    .add("billing_reason", "subscription_cycle")
                    .add("created", finalized - 3600)
                    .add("currency", currency)
                    .add("customer", customerId)
                    .add("customer_address", customerAddress == null ? JsonValue.NULL : customerAddress.toJson())
                    .add("customer_email", nullable(customerEmail))
                    .add("customer_name", nullable(customerName))
                    .addNull("due_date")
                    .add("effective_at", finalized)
                    .addNull("from_invoice")
                    .addNull("last_finalization_error")
                    .add("lines", Json.createObjectBuilder()
                            .add("object", "list")
                            .add("data", embedded)
                            .add("has_more", lines.size() > embeddedLines)
                            .add("total_count", lines.size())
                            .add("url", "/v1/invoices/" + invoiceId + "/lines"))
                    .add("metadata", metadata)
                    .add("next_payment_attempt", finalized + 3600)
                    .add("number", nullable(number))
                    .add("parent", Json.createObjectBuilder()
                            .addNull("quote_details")
                            .add("subscription_details", Json.createObjectBuilder()
                                    .add("metadata", Json.createObjectBuilder())
                                    .add("subscription", subscriptionId))
                            .add("type", "subscription_details"))
                    .add("period_end", periodEnd)
                    .add("period_start", periodStart)
                    .addNull("shipping_cost")
                    .add("status", status)
                    .add("status_transitions", Json.createObjectBuilder()
                            .add("finalized_at", finalized)
                            .addNull("marked_uncollectible_at")
                            .addNull("paid_at")
                            .addNull("voided_at"))
                    .add("subtotal", total)
                    .add("subtotal_excluding_tax", total)
                    .add("total", total)
                    .add("total_excluding_tax", total)
                    .addNull("webhooks_delivered_at")
                    .build();

            JsonObject event = Json.createObjectBuilder(template)
                    .add("id", eventId)
                    .add("api_version", nullable(apiVersion))
                    .add("created", finalized)
                    .add("pending_webhooks", 1)
                    .add("type", type)
                    .add("data", Json.createObjectBuilder().add("object", invoice))
                    .build();

            return new FinalizedInvoice(eventId, invoiceId, customerId, acctId, customerEmail, priceId, total,
                    event.toString(), invoice.toString(), List.copyOf(lineJsons), customer().toString());
        }

        private JsonObject line(JsonObject template, Line line, long periodStart, long periodEnd) {
            return Json.createObjectBuilder(template)
                    .add("id", stripeId("il_", 24))
                    .add("amount", line.amount())
                    .add("currency", currency)
                    .add("description", line.description())
                    .add("invoice", invoiceId)
                    .add("parent", Json.createObjectBuilder()
                            .addNull("invoice_item_details")
                            .add("subscription_item_details", Json.createObjectBuilder()
                                    .addNull("invoice_item")
                                    .add("proration", false)
                                    .add("proration_details", Json.createObjectBuilder().addNull("credited_items"))
                                    .add("subscription", subscriptionId)
                                    .add("subscription_item", stripeId("si_", 14)))
                            .add("type", "subscription_item_details"))
                    .add("period", Json.createObjectBuilder().add("end", periodEnd).add("start", periodStart))
                    .add("pricing", Json.createObjectBuilder()
                            .add("price_details", Json.createObjectBuilder()
                                    .add("price", priceId)
                                    .add("product", productId))
                            .add("type", "price_details")
                            .add("unit_amount_decimal", Long.toString(line.unitAmount())))
                    .add("quantity", line.quantity())
                    .add("subscription", subscriptionId)
                    .build();
        }

        private JsonObject customer() {
            JsonObjectBuilder metadata = Json.createObjectBuilder();
            if (acctId != null) {
                metadata.add("acct_id", acctId);
            }
            return Json.createObjectBuilder(json(CUSTOMER_TEMPLATE))
                    .add("id", customerId)
                    .add("address", customerAddress == null ? JsonValue.NULL : customerAddress.toJson())
                    .add("currency", currency)
                    .addNull("discount")
                    .add("email", nullable(customerEmail))
                    .add("metadata", metadata)
                    .add("name", nullable(customerName))
                    .build();
        }
    }

    /** A price object (GET /v1/prices/{id}) built on the OpenAPI fixture. */
    public static String price(String priceId, String currency, long unitAmount) {
        return Json.createObjectBuilder(json(PRICE_TEMPLATE))
                .add("id", priceId)
                .add("currency", currency)
                .add("unit_amount", unitAmount)
                .add("unit_amount_decimal", Long.toString(unitAmount))
                .add("transform_quantity", JsonValue.NULL)
                .build().toString();
    }

    private static JsonValue nullable(String value) {
        return value == null ? JsonValue.NULL : Json.createValue(value);
    }

    private static void putNullable(JsonObjectBuilder json, String name, String value) {
        json.add(name, nullable(value));
    }
}
