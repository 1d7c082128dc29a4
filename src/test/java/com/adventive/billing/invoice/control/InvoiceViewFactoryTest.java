package com.adventive.billing.invoice.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adventive.billing.invoice.entity.InvoiceView;
import com.adventive.billing.invoice.entity.InvoiceView.Adjustment;
import com.adventive.billing.invoice.entity.InvoiceView.Line;
import com.google.gson.JsonParser;
import com.stripe.model.Invoice;
import com.stripe.model.InvoiceLineItem;
import com.stripe.net.ApiResource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InvoiceViewFactoryTest {

    private final InvoiceViewFactory factory = new InvoiceViewFactory();

    private static Invoice fixtureInvoice() {
        return ApiResource.GSON.fromJson(SampleInvoices.fixture("openapi/objects-v1932/invoice.json"), Invoice.class);
    }

    @Test
    void stripeFixtureInvoiceRendersWithoutInventingAnything() {
        Invoice invoice = fixtureInvoice();

        InvoiceView view = factory.create(invoice, null, null, SampleInvoices.seller(), "acct_1");

        assertEquals("in_1Pgc6tB7WZ01zgkWu9fdqL6I", view.invoiceId());
        assertEquals("USD", view.currency());
        assertEquals("", view.number(), "the fixture is a draft: no number yet");
        assertEquals("", view.customer().name());
        assertEquals(List.of(), view.customer().addressLines(), "an address of nulls prints nothing");
        assertEquals("13 Feb 2009", view.issueDate());
        assertEquals("13 Feb 2009", view.dueDate());
        // the invoice's own period is zero-length, so the line's period is the billing period
        assertEquals("26 Jul 2024", view.billingPeriod());
        assertEquals(1, view.lines().size());
        Line line = view.lines().get(0);
        assertEquals("My First Invoice Item (created for API docs)", line.description());
        assertEquals("1", line.quantity());
        assertEquals("", line.unitPrice(), "pricing.unit_amount_decimal is null and no price was given");
        assertEquals("$10.00", line.amount());
        assertEquals("", line.period(), "same as the billing period, so not repeated on the line");
        assertEquals("$10.00", view.totals().subtotal());
        assertEquals("$10.00", view.totals().total());
        assertEquals("$0.00", view.totals().amountPaid());
        assertEquals("$10.00", view.totals().amountDue());
        assertEquals(List.of(), view.totals().discounts());
        assertEquals(List.of(), view.totals().taxes());
        assertEquals("", view.hostedInvoiceUrl());
        assertFalse(view.settled());
    }

    @Test
    void finalizedEventPayloadDeserializesIntoTheSameView() {
        var event = JsonParser.parseString(SampleInvoices.fixture(
                "events/synthesized-from-openapi-fixtures3-v1932/invoice.finalized.json")).getAsJsonObject();
        Invoice invoice = ApiResource.GSON.fromJson(event.getAsJsonObject("data").get("object"), Invoice.class);

        InvoiceView view = factory.create(invoice, null, Map.of(), SampleInvoices.seller(), "acct_1");

        assertEquals("open", view.status());
        assertEquals("$10.00", view.totals().amountDue());
        assertEquals("My First Invoice Item (created for API docs)", view.lines().get(0).description());
    }

    @Test
    void standardSampleCarriesEverythingTheDocumentPrints() {
        InvoiceView view = SampleInvoices.standard().view();

        assertEquals("INV-0042", view.number());
        assertEquals("acct_0042", view.accountId());
        assertEquals("Adventive", view.seller().name());
        assertEquals("Example Corp", view.customer().name());
        assertEquals("ap@example.com", view.customer().email());
        assertEquals(List.of("350 Fifth Avenue", "Suite 4200", "New York, NY 10118", "United States"),
                view.customer().addressLines());
        assertEquals(List.of("12-3456789"), view.customer().taxIds());
        assertEquals("25 Nov 2026", view.issueDate());
        assertEquals("10 Dec 2026", view.dueDate());
        assertEquals("1 Nov 2026 – 1 Dec 2026", view.billingPeriod());
        assertEquals(SampleInvoices.FINALIZED, view.documentEpochSecond());
        assertEquals(SampleInvoices.HOSTED_URL, view.hostedInvoiceUrl());
        assertFalse(view.chargedAutomatically());

        assertEquals(3, view.lines().size());
        Line pro = view.lines().get(0);
        assertEquals(new Line("Pro plan (at $99.00 / month)", "", "10", "$99.00", "$990.00", 99000, List.of()), pro);

        Line metered = view.lines().get(1);
        assertEquals("API calls", metered.description());
        assertEquals("250,000", metered.quantity());
        assertEquals("", metered.unitPrice(), "a tiered price has no single unit price");
        assertEquals("$170.00", metered.amount());
        assertEquals(List.of("1 – 10,000", "10,001 – 100,000", "100,001 and above"),
                metered.tiers().stream().map(InvoiceView.TierRow::range).toList());
        assertEquals(List.of("$0.00", "$90.00", "$80.00"),
                metered.tiers().stream().map(InvoiceView.TierRow::amount).toList());
        assertEquals("$0.0005", metered.tiers().get(2).unitPrice());
        assertEquals("$5.00", metered.tiers().get(2).flatFee());
        long tierSum = metered.tiers().stream().map(InvoiceView.TierRow::amountMinor)
                .reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add).longValueExact();
        assertEquals(metered.amountMinor(), tierSum, "the breakdown adds up to what Stripe charged");

        assertEquals("$1,210.00", view.totals().subtotal());
        assertEquals(List.of(new Adjustment("Discount (Launch partner, 10% off)", "-$121.00", -12100)),
                view.totals().discounts());
        assertEquals(List.of(new Adjustment("Sales Tax 8.875% (NY)", "$96.65", 9665)), view.totals().taxes());
        assertEquals("$1,185.65", view.totals().total());
        assertEquals("$1,185.65", view.totals().amountDue());
        assertEquals("$0.00", view.totals().amountPaid());
        assertEquals("$1,185.65", view.totals().amountRemaining());
        long computedTotal = view.totals().subtotalMinor()
                + view.totals().discounts().stream().mapToLong(Adjustment::amountMinor).sum()
                + view.totals().taxes().stream().mapToLong(Adjustment::amountMinor).sum();
        assertEquals(view.totals().totalMinor(), computedTotal, "subtotal − discount + tax = total");
    }

    @Test
    void allLinesWinOverTheFirstPageEmbeddedInTheInvoice() {
        SampleInvoices.Sample sample = SampleInvoices.builder().extraLines(20).build();
        assertEquals(10, sample.invoice().getLines().getData().size(), "Stripe embeds only the first page");

        InvoiceView view = sample.view();

        assertEquals(23, view.lines().size());
        assertEquals("Seat license 23", view.lines().get(22).description());
    }

    @Test
    void paidInvoiceIsSettled() {
        InvoiceView view = SampleInvoices.builder().paidInFull().build().view();
        assertTrue(view.settled());
        assertEquals("$1,185.65", view.totals().amountPaid());
        assertEquals("$0.00", view.totals().amountRemaining());
        assertTrue(view.totals().partlyOrFullyPaid());
    }

    @Test
    void appliedCustomerBalanceAndCreditNotesShowBetweenTotalAndAmountDue() {
        Invoice invoice = fixtureInvoice();
        invoice.setStartingBalance(-300L);
        invoice.setEndingBalance(0L);
        invoice.setPrePaymentCreditNotesAmount(200L);
        invoice.setAmountDue(500L);
        invoice.setAmountRemaining(500L);

        InvoiceView view = factory.create(invoice, null, null, null, null);

        assertEquals(List.of(new Adjustment("Credit notes", "-$2.00", -200),
                        new Adjustment("Applied balance", "-$3.00", -300)),
                view.totals().balanceAdjustments());
        assertEquals("$5.00", view.totals().amountDue());
    }

    @Test
    void taxWithoutAKnownRateIsStillShownAndLabelled() {
        Invoice invoice = fixtureInvoice();
        invoice.setTotalTaxes(List.of(
                ApiResource.GSON.fromJson("""
                        {"amount": 190, "tax_behavior": "inclusive", "taxability_reason": "standard_rated",
                         "taxable_amount": 1000, "type": "tax_rate_details", "tax_rate_details": {"tax_rate": "txr_x"}}
                        """, Invoice.TotalTax.class),
                ApiResource.GSON.fromJson("""
                        {"amount": 0, "tax_behavior": "exclusive", "taxability_reason": "reverse_charge",
                         "taxable_amount": 1000, "type": "tax_rate_details", "tax_rate_details": {"tax_rate": "txr_y"}}
                        """, Invoice.TotalTax.class)));

        InvoiceView view = factory.create(invoice, null, null, null, null);

        assertEquals(List.of(new Adjustment("Tax included", "$1.90", 190),
                        new Adjustment("Tax – reverse charge", "$0.00", 0)),
                view.totals().taxes());
    }

    @Test
    void onlyHttpsInvoiceLinksArePrinted() {
        Invoice invoice = fixtureInvoice();
        invoice.setHostedInvoiceUrl("javascript:alert(1)");
        assertEquals("", factory.create(invoice, null, null, null, null).hostedInvoiceUrl());
        invoice.setHostedInvoiceUrl("http://invoice.stripe.com/i/x");
        assertEquals("", factory.create(invoice, null, null, null, null).hostedInvoiceUrl());
        invoice.setHostedInvoiceUrl("https://invoice.stripe.com/i/x");
        assertEquals("https://invoice.stripe.com/i/x", factory.create(invoice, null, null, null, null).hostedInvoiceUrl());
    }

    @Test
    void anInvoiceWithNothingInItStillMakesAView() {
        InvoiceView view = factory.create(new Invoice(), java.util.Arrays.asList(new InvoiceLineItem(), null),
                null, null, null);

        assertEquals("", view.number());
        assertEquals("", view.currency());
        assertEquals("", view.issueDate());
        assertEquals("", view.billingPeriod());
        assertEquals(1, view.lines().size(), "a null entry is skipped, an empty line is kept");
        assertEquals("", view.lines().get(0).amount());
        assertEquals("", view.totals().total());
        assertEquals("", view.seller().name());
        assertEquals(0L, view.documentEpochSecond());
    }
}
