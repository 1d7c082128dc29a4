package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.InvoiceView;
import com.adventive.billing.invoice.entity.Seller;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.stripe.model.Invoice;
import com.stripe.model.InvoiceLineItem;
import com.stripe.model.Price;
import com.stripe.net.ApiResource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Stripe invoices for tests and the benchmark, built as Stripe sends them (basil-shaped JSON read
 * by stripe-java's own Gson), so the view factory is exercised on the real deserialization path.
 *
 * <p>The standard sample, INV-0042, is a US invoice of $1,210.00 in three lines (one metered with
 * graduated tiers), a 10% discount of $121.00, 8.875% sales tax of $96.65 and a total of $1,185.65,
 * issued 25 Nov 2026 and due 10 Dec 2026.
 */
public final class SampleInvoices {

    public static final long CREATED = 1795564800L;        // 25 Nov 2026 00:00 UTC
    public static final long FINALIZED = 1795599000L;      // 25 Nov 2026 09:30 UTC
    public static final long DUE = 1796860800L;            // 10 Dec 2026
    public static final long PERIOD_START = 1793491200L;   // 1 Nov 2026
    public static final long PERIOD_END = 1796083200L;     // 1 Dec 2026

    public static final String HOSTED_URL = "https://invoice.stripe.com/i/acct_1Test/test_YWNjdF8xVGVzdA0042";

    private SampleInvoices() {
    }

    /** One Stripe invoice with all of its lines and the prices they reference. */
    public record Sample(Invoice invoice, List<InvoiceLineItem> lines, Map<String, Price> prices) {
        public InvoiceView view() {
            return new InvoiceViewFactory().create(invoice, lines, prices, seller(), "acct_0042");
        }
    }

    public static Seller seller() {
        return new Seller("Adventive", List.of("500 Market Street", "San Francisco, CA 94105", "United States"),
                "billing@adventive.com", "US 98-7654321");
    }

    /** INV-0042 as described above. */
    public static Sample standard() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String id = "in_1SampleInvoice0042";
        private String number = "INV-0042";
        private String currency = "usd";
        private String customerName = "Example Corp";
        private String status = "open";
        private int extraLines = 0;
        private String firstLineDescription = "Pro plan (at $99.00 / month)";
        private long amountPaid = 0;
        private boolean discountAndTax = true;
        private String memo;

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder number(String number) {
            this.number = number;
            return this;
        }

        public Builder currency(String currency) {
            this.currency = currency;
            return this;
        }

        public Builder customerName(String customerName) {
            this.customerName = customerName;
            return this;
        }

        public Builder firstLineDescription(String description) {
            this.firstLineDescription = description;
            return this;
        }

        /** Adds numbered seat lines "Seat license 4", "Seat license 5", ... after the three standard lines. */
        public Builder extraLines(int count) {
            this.extraLines = count;
            return this;
        }

        /** The invoice's description, which Stripe calls the memo. */
        public Builder memo(String memo) {
            this.memo = memo;
            return this;
        }

        public Builder paidInFull() {
            this.amountPaid = -1;
            this.status = "paid";
            return this;
        }

        public Builder withoutDiscountAndTax() {
            this.discountAndTax = false;
            return this;
        }

        public Sample build() {
            JsonArray lines = new JsonArray();
            lines.add(line("il_pro", firstLineDescription, 10, "9900", 99000, "price_pro"));
            lines.add(line("il_api", "API calls", 250_000, null, 17000, "price_api_calls"));
            lines.add(line("il_onboarding", "Onboarding session", 1, "5000", 5000, "price_onboarding"));
            for (int n = 4; n < 4 + extraLines; n++) {
                lines.add(line("il_seat_" + n, "Seat license " + n, 1 + n % 5, "1250", 1250L * (1 + n % 5),
                        "price_seat"));
            }
            long subtotal = 0;
            for (var line : lines) {
                subtotal += line.getAsJsonObject().get("amount").getAsLong();
            }
            long discount = discountAndTax ? subtotal / 10 : 0;
            long tax = discountAndTax
                    ? BigDecimal.valueOf(subtotal - discount).multiply(new BigDecimal("0.08875"))
                            .setScale(0, RoundingMode.HALF_UP).longValueExact()
                    : 0;
            long total = subtotal - discount + tax;
            long paid = amountPaid < 0 ? total : amountPaid;

            JsonObject invoice = JsonParser.parseString("""
                    {
                      "id": "%s", "object": "invoice", "number": "%s", "status": "%s", "currency": "%s",
                      "created": %d, "effective_at": %d, "due_date": %d,
                      "period_start": %d, "period_end": %d,
                      "status_transitions": {"finalized_at": %d, "paid_at": null, "voided_at": null,
                                             "marked_uncollectible_at": null},
                      "collection_method": "send_invoice",
                      "customer": "cus_Example", "customer_email": "ap@example.com",
                      "customer_address": {"line1": "350 Fifth Avenue", "line2": "Suite 4200", "city": "New York",
                                           "state": "NY", "postal_code": "10118", "country": "US"},
                      "customer_tax_ids": [{"type": "us_ein", "value": "12-3456789"}],
                      "hosted_invoice_url": "%s",
                      "subtotal": %d, "total": %d, "amount_due": %d, "amount_paid": %d, "amount_remaining": %d,
                      "starting_balance": 0, "ending_balance": 0,
                      "pre_payment_credit_notes_amount": 0, "post_payment_credit_notes_amount": 0
                    }
                    """.formatted(id, number, status, currency, CREATED, FINALIZED, DUE, PERIOD_START,
                    PERIOD_END, FINALIZED, HOSTED_URL, subtotal, total, total, paid, total - paid))
                    .getAsJsonObject();
            invoice.addProperty("customer_name", customerName);
            invoice.addProperty("description", memo);
            if (discountAndTax) {
                invoice.add("discounts", JsonParser.parseString("""
                        [{"id": "di_launch", "object": "discount",
                          "coupon": {"id": "LAUNCH", "object": "coupon", "name": "Launch partner", "percent_off": 10}}]
                        """));
                invoice.add("total_discount_amounts",
                        JsonParser.parseString("[{\"amount\": %d, \"discount\": \"di_launch\"}]".formatted(discount)));
                invoice.add("default_tax_rates", JsonParser.parseString("""
                        [{"id": "txr_ny", "object": "tax_rate", "display_name": "Sales Tax", "percentage": 8.875,
                          "jurisdiction": "NY", "inclusive": false}]
                        """));
                invoice.add("total_taxes", JsonParser.parseString("""
                        [{"amount": %d, "tax_behavior": "exclusive", "taxability_reason": "standard_rated",
                          "taxable_amount": %d, "type": "tax_rate_details",
                          "tax_rate_details": {"tax_rate": "txr_ny"}}]
                        """.formatted(tax, subtotal - discount)));
            }
            JsonObject embedded = new JsonObject();
            embedded.addProperty("object", "list");
            embedded.addProperty("has_more", lines.size() > 10);
            JsonArray firstPage = new JsonArray();
            for (int i = 0; i < Math.min(10, lines.size()); i++) {
                firstPage.add(lines.get(i));
            }
            embedded.add("data", firstPage);
            invoice.add("lines", embedded);

            Invoice parsed = ApiResource.GSON.fromJson(invoice, Invoice.class);
            List<InvoiceLineItem> allLines = new ArrayList<>();
            for (var line : lines) {
                allLines.add(ApiResource.GSON.fromJson(line, InvoiceLineItem.class));
            }
            return new Sample(parsed, allLines, Map.of("price_api_calls", apiCallsPrice()));
        }

        private JsonObject line(String id, String description, long quantity, String unitAmountDecimal,
                long amount, String priceId) {
            JsonObject line = JsonParser.parseString("""
                    {"id": "%s", "object": "line_item", "invoice": "%s", "currency": "%s", "amount": %d,
                     "quantity": %d, "period": {"start": %d, "end": %d},
                     "pricing": {"type": "price_details", "price_details": {"price": "%s", "product": "prod_x"}}}
                    """.formatted(id, this.id, currency, amount, quantity, PERIOD_START, PERIOD_END, priceId))
                    .getAsJsonObject();
            line.addProperty("description", description);
            line.getAsJsonObject("pricing").addProperty("unit_amount_decimal", unitAmountDecimal);
            return line;
        }
    }

    /**
     * Graduated: the first 10,000 calls free, then 0.1¢ per call up to 100,000, then 0.05¢ per call
     * plus a $5.00 flat fee. 250,000 calls: $0 + $90.00 + $80.00 = $170.00.
     */
    public static Price apiCallsPrice() {
        return ApiResource.GSON.fromJson("""
                {"id": "price_api_calls", "object": "price", "currency": "usd", "billing_scheme": "tiered",
                 "tiers_mode": "graduated", "type": "recurring",
                 "recurring": {"interval": "month", "interval_count": 1, "usage_type": "metered"},
                 "tiers": [
                   {"up_to": 10000, "unit_amount": 0, "unit_amount_decimal": "0", "flat_amount": null},
                   {"up_to": 100000, "unit_amount": null, "unit_amount_decimal": "0.1", "flat_amount": null},
                   {"up_to": null, "unit_amount": null, "unit_amount_decimal": "0.05", "flat_amount": 500,
                    "flat_amount_decimal": "500"}
                 ]}
                """, Price.class);
    }

    /** A fixture file under src/test/resources/stripe-fixtures, by its path there. */
    public static String fixture(String path) {
        try (InputStream in = SampleInvoices.class.getResourceAsStream("/stripe-fixtures/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
