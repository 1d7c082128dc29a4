package com.adventive.billing.invoice.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adventive.billing.invoice.entity.InvoiceView;
import com.adventive.billing.invoice.entity.InvoiceView.Adjustment;
import com.adventive.billing.invoice.entity.InvoiceView.Customer;
import com.adventive.billing.invoice.entity.InvoiceView.Line;
import com.adventive.billing.invoice.entity.InvoiceView.TierRow;
import com.adventive.billing.invoice.entity.InvoiceView.Totals;
import com.adventive.billing.invoice.entity.RenderedPdf;
import com.adventive.billing.invoice.entity.Seller;
import com.itextpdf.layout.properties.UnitValue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The worker lays invoices out with iText's layout API ({@link InvoiceLayout}) because that is
 * several times faster than converting the template's HTML; the template and its stylesheet remain
 * the reference for how an invoice looks. Each case renders one invoice both ways, html2pdf on
 * {@code templates/invoice.hbs} and the worker's own layout, and requires the two PDFs to draw the
 * same thing: every glyph (character, font, size, colour) at the same place, every rule, the link,
 * the page count, page size and document title. A change to the look must be made in both; this
 * test names the first places where they disagree.
 */
class InvoiceLayoutEquivalenceTest {

    private static final InvoicePdfRenderer RENDERER = new InvoicePdfRenderer();

    static Stream<Arguments> invoices() {
        return Stream.of(
                Arguments.of("the standard 1-page invoice", SampleInvoices.standard().view()),
                Arguments.of("paid in full", SampleInvoices.builder().paidInFull().build().view()),
                Arguments.of("yen", SampleInvoices.builder().currency("jpy").build().view()),
                Arguments.of("Kuwaiti dinar", SampleInvoices.builder().currency("kwd").build().view()),
                Arguments.of("Japanese name, Arabic and Hebrew descriptions", SampleInvoices.builder()
                        .customerName("株式会社テスト").firstLineDescription("شركة الاختبار / חברת בדיקה").build().view()),
                Arguments.of("markup and entities in the data are text", SampleInvoices.builder()
                        .customerName("Smith & <b>Sons</b> &amp; \"Co\" 'Ltd'")
                        .firstLineDescription("<img src=x> {{handlebars}} `tick` = ½")
                        .memo("<style>@import url(x)</style> Thanks!").build().view()),
                Arguments.of("white space in the data collapses as in HTML", SampleInvoices.builder()
                        .customerName("  Spaced \t Out\r\nCorp  ")
                        .memo("Line one\nline two\n\n   indented\u00a0\u00a0kept\u2003em space")
                        .build().view()),
                Arguments.of("no discount, no tax", SampleInvoices.builder().withoutDiscountAndTax().build().view()),
                Arguments.of("a long memo that wraps", SampleInvoices.builder()
                        .memo("Payment terms: net 15. " + "Please quote the invoice number with every payment. ".repeat(8))
                        .build().view()),
                Arguments.of("50 lines over 3 pages", SampleInvoices.builder().extraLines(47).build().view()),
                Arguments.of("150 lines: the table laid out in batches", SampleInvoices.builder().extraLines(147).build().view()),
                Arguments.of("every optional part present", everything()),
                Arguments.of("every optional part absent", nothing()),
                Arguments.of("long unbreakable text, a long link, odd characters", oddities()),
                Arguments.of("figures too wide for their columns", wideFigures("KWD 1,234,567.890", "1,000,000,000")),
                Arguments.of("a wide figure in the 200th line of 300", wideFigures300()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invoices")
    void theLayoutDrawsWhatTheTemplateDraws(String name, InvoiceView view) {
        RenderedPdf reference = RENDERER.renderHtml(RENDERER.html(view), "reference", view.documentEpochSecond(), System.nanoTime());
        RenderedPdf layout = RENDERER.render(view);

        List<String> differences = PdfDrawing.of(layout.bytes()).differencesFrom(PdfDrawing.of(reference.bytes()), 40);
        assertTrue(differences.isEmpty(), () -> name + ": the layout (here) and the template (there) draw differently:\n"
                + String.join("\n", differences));
        assertEquals(reference.pages(), layout.pages());
        PdfText.withDocument(reference.bytes(), ref -> PdfText.withDocument(layout.bytes(), own -> {
            assertEquals(ref.getDocumentInfo().getTitle(), own.getDocumentInfo().getTitle());
            assertEquals(ref.getDocumentInfo().getAuthor(), own.getDocumentInfo().getAuthor());
            assertEquals(ref.getCatalog().getLang(), own.getCatalog().getLang());
            return null;
        }));
        assertEquals(PdfText.all(reference.bytes()), PdfText.all(layout.bytes()));
    }

    /**
     * The cases above cover both ways the line-item table is built: batch by batch when the
     * stylesheet's column widths hold, whole when a figure or a word would widen a column.
     */
    @org.junit.jupiter.api.Test
    void theCasesCoverBothWaysOfBuildingTheLineTable() {
        UnitValue[] columns = {UnitValue.createPercentValue(52), UnitValue.createPercentValue(10),
            UnitValue.createPercentValue(18), UnitValue.createPercentValue(20)};
        float width = 595 - 2 * 42.519684f;
        assertTrue(InvoiceLayout.columnsHold(SampleInvoices.builder().extraLines(147).build().view().lines(), columns, width));
        assertTrue(InvoiceLayout.columnsHold(everything().lines(), columns, width));
        assertFalse(InvoiceLayout.columnsHold(wideFigures("KWD 1,234,567.890", "1,000,000,000").lines(), columns, width));
        assertFalse(InvoiceLayout.columnsHold(wideFigures300().lines(), columns, width));
        assertFalse(InvoiceLayout.columnsHold(oddities().lines(), columns, width));
    }

    /** Footer, line periods, several discounts and taxes, balance applied, partly paid, charged automatically. */
    private static InvoiceView everything() {
        List<Line> lines = new ArrayList<>();
        lines.add(new Line("Pro plan", "1 Oct 2026 – 1 Nov 2026", "3", "$99.00", "$297.00", 29700, List.of()));
        lines.add(new Line("Storage (GB-months)", "1 Oct 2026 – 1 Nov 2026", "1,250", "", "$42.50", 4250, List.of(
                new TierRow("1 – 100", "100", "$0.00", "", "$0.00", BigDecimal.ZERO),
                new TierRow("101 and above", "1,150", "", "$42.50", "$42.50", new BigDecimal("4250")))));
        lines.add(new Line("Credit for unused time", "", "1", "-$20.00", "-$20.00", -2000, List.of()));
        Totals totals = new Totals("$319.50", 31950,
                List.of(new Adjustment("Discount (Spring, 5% off)", "-$15.98", -1598),
                        new Adjustment("Discount (Loyalty)", "-$10.00", -1000)),
                List.of(new Adjustment("VAT 20%", "$58.70", 5870), new Adjustment("City tax 1%", "$2.94", 294)),
                "$355.16", 35516,
                List.of(new Adjustment("Applied balance", "-$55.16", -5516)),
                "$100.00", 10000, "$300.00", 30000, "$200.00", 20000);
        return new InvoiceView("in_everything", "acct_1", "INV-9001", "open", "usd",
                new Seller("Adventive GmbH", List.of("Unter den Linden 1", "10117 Berlin", "Germany"), "billing@adventive.de",
                        "DE123456789"),
                new Customer("Very Long Customer Name Incorporated International Holdings Limited", "finance@customer.example",
                        List.of("1 Long Street", "Building 4, Floor 12, Suite 1200", "Springfield, IL 62701", "United States"),
                        List.of("US 11-1111111", "EU372000041")),
                "25 Nov 2026", "10 Dec 2026", "1 Oct 2026 – 1 Nov 2026", true,
                "Thank you for your business.", "Adventive GmbH · Registered in Berlin HRB 12345 · Managing director: A. Person",
                lines, totals, SampleInvoices.HOSTED_URL, SampleInvoices.FINALIZED);
    }

    /** No seller details, no due date, no period, no URL, no memo, no lines, nothing paid. */
    private static InvoiceView nothing() {
        Totals totals = new Totals("$0.00", 0, List.of(), List.of(), "$0.00", 0, List.of(), "$0.00", 0, "$0.00", 0,
                "$0.00", 0);
        return new InvoiceView("in_nothing", "acct_1", "INV-0000", "open", "usd", new Seller("Adventive", null, null, null),
                new Customer("", "", List.of(), List.of()), "25 Nov 2026", "", "", false, "", "", List.of(), totals, "",
                SampleInvoices.FINALIZED);
    }

    /** Text that cannot wrap at a space, a long URL, characters outside every shipped font, tabs, a soft hyphen. */
    private static InvoiceView oddities() {
        InvoiceView base = SampleInvoices.standard().view();
        List<Line> lines = new ArrayList<>(base.lines());
        lines.add(new Line("Supercalifragilisticexpialidocious-" + "x".repeat(120), "", "1", "$1.00", "$1.00", 100, List.of()));
        lines.add(new Line("Emoji 🧾 and Khmer ខ្មែរ and a soft\u00adhyphen and\ttab", "", "12", "$0.0001",
                "$0.00", 0, List.of()));
        return withLines(base, lines, "https://invoice.stripe.com/i/" + "a".repeat(150));
    }

    /** A quantity and an amount wider than their columns: html2pdf widens those columns. */
    private static InvoiceView wideFigures(String amount, String quantity) {
        InvoiceView base = SampleInvoices.standard().view();
        List<Line> lines = new ArrayList<>(base.lines());
        lines.add(new Line("Bulk units", "", quantity, "KWD 0.001", amount, 1234567890L, List.of()));
        return withLines(base, lines, base.hostedInvoiceUrl());
    }

    private static InvoiceView wideFigures300() {
        InvoiceView base = SampleInvoices.builder().extraLines(297).build().view();
        List<Line> lines = new ArrayList<>(base.lines());
        Line wide = new Line("Bulk units", "", "1,000,000,000", "$0.001", "$1,000,000.00", 100000000L, List.of());
        lines.set(200, wide);
        return withLines(base, lines, base.hostedInvoiceUrl());
    }

    private static InvoiceView withLines(InvoiceView base, List<Line> lines, String hostedUrl) {
        return new InvoiceView(base.invoiceId(), base.accountId(), base.number(), base.status(), base.currency(),
                base.seller(), base.customer(), base.issueDate(), base.dueDate(), base.billingPeriod(),
                base.chargedAutomatically(), base.memo(), base.footer(), lines, base.totals(), hostedUrl,
                base.documentEpochSecond());
    }
}
