package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.InvoiceView;
import com.itextpdf.io.font.PdfEncodings;
import com.itextpdf.kernel.colors.DeviceRgb;
import com.itextpdf.kernel.geom.PageSize;
import com.itextpdf.kernel.geom.Rectangle;
import com.itextpdf.kernel.pdf.PdfArray;
import com.itextpdf.kernel.pdf.PdfDocument;
import com.itextpdf.kernel.pdf.PdfPage;
import com.itextpdf.kernel.pdf.PdfString;
import com.itextpdf.kernel.pdf.action.PdfAction;
import com.itextpdf.kernel.pdf.annot.PdfAnnotation;
import com.itextpdf.kernel.pdf.annot.PdfLinkAnnotation;
import com.itextpdf.kernel.pdf.canvas.PdfCanvas;
import com.itextpdf.layout.Canvas;
import com.itextpdf.layout.Document;
import com.itextpdf.layout.borders.Border;
import com.itextpdf.layout.borders.SolidBorder;
import com.itextpdf.layout.element.AnonymousInlineBox;
import com.itextpdf.layout.element.BlockElement;
import com.itextpdf.layout.element.Cell;
import com.itextpdf.layout.element.Div;
import com.itextpdf.layout.element.Paragraph;
import com.itextpdf.layout.element.Table;
import com.itextpdf.layout.element.Text;
import com.itextpdf.layout.font.FontProvider;
import com.itextpdf.layout.layout.LayoutArea;
import com.itextpdf.layout.layout.LayoutResult;
import com.itextpdf.layout.properties.HorizontalAlignment;
import com.itextpdf.layout.properties.Leading;
import com.itextpdf.layout.properties.LineHeight;
import com.itextpdf.layout.properties.OverflowPropertyValue;
import com.itextpdf.layout.properties.OverflowWrapPropertyValue;
import com.itextpdf.layout.properties.Property;
import com.itextpdf.layout.properties.RenderingMode;
import com.itextpdf.layout.properties.TextAlignment;
import com.itextpdf.layout.properties.UnitValue;
import com.itextpdf.layout.renderer.DocumentRenderer;
import com.itextpdf.layout.renderer.IRenderer;
import com.itextpdf.styledxmlparser.css.util.CssDimensionParsingUtils;
import com.itextpdf.styledxmlparser.util.WhiteSpaceUtil;
import java.util.List;
import java.util.Locale;

/**
 * Lays out an invoice PDF with iText's layout API, straight from the {@link InvoiceView}: the same
 * document that html2pdf makes of {@code templates/invoice.hbs} styled by
 * {@code templates/invoice.css}, without the HTML and CSS work in between.
 *
 * <p>Why not html2pdf at run time: profiled, a render spent ~40 % of its time matching CSS
 * selectors (the user-agent stylesheet against every element, ours against every element), and
 * laid the whole document out twice because "Page x of y" counts pages ({@code counter(pages)}
 * makes html2pdf keep every page open and lay everything out again). For long invoices that also
 * meant the whole document in memory at once. Here every element is built with the very properties
 * html2pdf gives it (see each method), the line-item table is a large table flushed a few dozen
 * rows at a time, the document is laid out once, and the footers are written when the page count
 * is known.
 *
 * <p>The template and stylesheet stay the reference for how an invoice looks:
 * {@code InvoiceLayoutEquivalenceTest} renders a range of invoices both ways and requires the two
 * PDFs to draw the same glyphs, lines and links at the same places. A change to the look is made in
 * both, and that test says where they disagree.
 */
final class InvoiceLayout {

    /** Lines added to the line-item table between two layout passes over it: bounds the memory of a long invoice. */
    static final int ROWS_PER_FLUSH = 64;

    // ---- invoice.css, in PDF points as html2pdf computes them ----------------------------------
    private static final float MARGIN_TOP = mm("16mm");
    private static final float MARGIN_RIGHT = mm("15mm");
    private static final float MARGIN_BOTTOM = mm("20mm");
    private static final float MARGIN_LEFT = mm("15mm");

    private static final String[] FONT_FAMILIES = {
        InvoiceFonts.BASE_FAMILY, "Noto Sans CJK JP", "Noto Sans Arabic", "Noto Sans Hebrew"};
    private static final float LINE_HEIGHT = 1.35f;

    private static final DeviceRgb INK = rgb(0x1a1a1a);
    private static final DeviceRgb MUTED = rgb(0x555555);
    private static final DeviceRgb FAINT = rgb(0x666666);
    private static final DeviceRgb HEADING = rgb(0x333333);
    private static final DeviceRgb LINK = rgb(0x1a4fa0);
    private static final DeviceRgb RULE = rgb(0xd9d9d9);

    private static final Border HEAVY_RULE = new SolidBorder(INK, 1f);
    private static final Border LIGHT_RULE = new SolidBorder(RULE, 0.5f);

    /** The user agent's cell padding (html2pdf's default.css: {@code td, th { padding: 1px }}). */
    private static final float UA_CELL_PADDING = CssDimensionParsingUtils.parseAbsoluteLength("1px");
    private static final float HALF_MM = mm("0.5mm");
    private static final float ONE_MM = mm("1mm");
    private static final float LINE_CELL_X = mm("1.5mm");
    private static final float LINE_CELL_Y = mm("1.6mm");
    private static final float TIER_CELL_Y = mm("0.4mm");
    private static final float TIER_INDENT = mm("6mm");

    private static final String BOLD = "bold";
    private static final String NORMAL = "normal";

    private InvoiceLayout() {
    }

    /**
     * Writes {@code view} into {@code pdf} and closes it. {@code fonts} must be a provider for this
     * document only (it caches the document's fonts).
     */
    static void write(InvoiceView view, PdfDocument pdf, FontProvider fonts) {
        // <title>Invoice {{number}}</title>, <meta name="author" content="{{seller.name}}">, <html lang="en">
        pdf.getDocumentInfo().setTitle("Invoice " + view.number());
        pdf.getDocumentInfo().setAuthor(view.seller().name());
        pdf.getCatalog().setLang(new PdfString("en", PdfEncodings.UNICODE_BIG));

        Document document = new Document(pdf, PageSize.A4, true);
        document.setRenderer(new PagesOpenUntilClose(document));
        document.setMargins(MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_LEFT);
        // what html2pdf sets on the document from the <html> element
        document.setProperty(Property.COLLAPSING_MARGINS, true);
        document.setProperty(Property.RENDERING_MODE, RenderingMode.HTML_MODE);
        document.setProperty(Property.FONT_PROVIDER, fonts);
        document.setProperty(Property.FONT, FONT_FAMILIES);
        // body { font-size: 9pt; line-height: 1.35; color: #1a1a1a }, inherited by everything below
        document.setFontSize(9f);
        document.setFontColor(INK);
        document.setProperty(Property.LEADING, new Leading(Leading.MULTIPLIED, LINE_HEIGHT));
        document.setProperty(Property.LINE_HEIGHT, LineHeight.createMultipliedValue(LINE_HEIGHT));

        document.add(masthead(view));
        document.add(parties(view));
        if (!view.hostedInvoiceUrl().isEmpty()) {
            document.add(payOnline(view));
        }
        if (!view.memo().isEmpty()) {
            document.add(paragraph(view.memo(), mm("7mm")));
        }
        addLines(document, view.lines());
        document.add(totals(view.totals()));
        if (!view.footer().isEmpty()) {
            Paragraph note = paragraph(view.footer(), mm("10mm"));
            // p's user-agent margin-bottom (1em) stays: .footer-note sets only margin-top
            note.setMarginBottom(8f).setFontColor(MUTED).setFontSize(8f);
            document.add(note);
        }
        ((PagesOpenUntilClose) document.getRenderer()).closeLayout();
        drawFooters(pdf, fonts, view);
        document.close();
    }

    // ---- <table class="masthead"> ---------------------------------------------------------------

    private static Table masthead(InvoiceView view) {
        Table table = table(2).setWidth(UnitValue.createPercentValue(100));
        table.setMargins(0, 0, 0, 0);

        Cell seller = cell(0, 0, 0, 0).setWidth(UnitValue.createPercentValue(55));
        Div name = div(view.seller().name()).setFontSize(13f).setMarginBottom(ONE_MM);
        name.setProperty(Property.FONT_WEIGHT, BOLD);
        seller.add(name);
        for (String line : view.seller().addressLines()) {
            seller.add(div(line));
        }
        if (!view.seller().email().isEmpty()) {
            seller.add(div(view.seller().email()));
        }
        if (!view.seller().taxId().isEmpty()) {
            seller.add(div("Tax ID " + view.seller().taxId()).setFontColor(MUTED));
        }
        table.addCell(seller);

        Cell title = cell(0, 0, 0, 0);
        Div h1 = div("Invoice").setFontSize(20f).setTextAlignment(TextAlignment.RIGHT);
        h1.setMargins(0, 0, mm("3mm"), 0);
        h1.setProperty(Property.FONT_WEIGHT, BOLD);
        title.add(h1);
        Table facts = table(2).setHorizontalAlignment(HorizontalAlignment.RIGHT);
        facts.setMarginTop(0).setMarginRight(0).setMarginBottom(0);
        fact(facts, "Invoice number", view.number());
        fact(facts, "Date of issue", view.issueDate());
        if (!view.dueDate().isEmpty()) {
            fact(facts, "Date due", view.dueDate());
        }
        if (!view.billingPeriod().isEmpty()) {
            fact(facts, "Billing period", view.billingPeriod());
        }
        title.add(facts);
        table.addCell(title);
        return table;
    }

    private static void fact(Table facts, String label, String value) {
        Cell th = cell(HALF_MM, mm("5mm"), HALF_MM, 0).add(inline(label));
        th.setFontColor(MUTED).setTextAlignment(TextAlignment.LEFT);
        th.setProperty(Property.FONT_WEIGHT, NORMAL);
        th.setProperty(Property.NO_SOFT_WRAP_INLINE, true);
        facts.addCell(th);
        Cell td = cell(HALF_MM, 0, HALF_MM, 0).setTextAlignment(TextAlignment.RIGHT);
        addText(td, value);
        facts.addCell(td);
    }

    // ---- <table class="parties"> ----------------------------------------------------------------

    private static Table parties(InvoiceView view) {
        Table table = table(2).setWidth(UnitValue.createPercentValue(100));
        table.setMargins(mm("9mm"), 0, 0, 0);

        Cell billTo = cell(UA_CELL_PADDING, mm("6mm"), UA_CELL_PADDING, UA_CELL_PADDING)
                .setWidth(UnitValue.createPercentValue(55));
        // h2: uppercase, letter-spacing 0.4pt
        Div h2 = div("Bill to".toUpperCase(Locale.ROOT)).setFontSize(8f).setFontColor(MUTED).setCharacterSpacing(0.4f);
        h2.setMargins(0, 0, mm("1.5mm"), 0);
        h2.setProperty(Property.FONT_WEIGHT, BOLD);
        billTo.add(h2);
        Div customer = div(view.customer().name()).setFontSize(10f);
        customer.setProperty(Property.FONT_WEIGHT, BOLD);
        billTo.add(customer);
        for (String line : view.customer().addressLines()) {
            billTo.add(div(line));
        }
        if (!view.customer().email().isEmpty()) {
            billTo.add(div(view.customer().email()));
        }
        for (String taxId : view.customer().taxIds()) {
            billTo.add(div("Tax ID " + taxId).setFontColor(MUTED));
        }
        table.addCell(billTo);

        Cell summary = cell(UA_CELL_PADDING, UA_CELL_PADDING, UA_CELL_PADDING, UA_CELL_PADDING);
        String headline = view.settled()
                ? view.totals().amountPaid() + " paid"
                : view.totals().amountRemaining() + " due" + (view.dueDate().isEmpty() ? "" : " " + view.dueDate());
        Div big = div(headline).setFontSize(14f).setMarginBottom(mm("1.5mm"));
        big.setProperty(Property.FONT_WEIGHT, BOLD);
        summary.add(big);
        if (!view.settled() && view.chargedAutomatically()) {
            summary.add(div("This amount will be charged to the payment method on file.").setFontColor(MUTED));
        }
        table.addCell(summary);
        return table;
    }

    // ---- <p class="pay-online"> -----------------------------------------------------------------

    private static Paragraph payOnline(InvoiceView view) {
        Paragraph p = new Paragraph();
        html(p).setMargins(mm("6mm"), 0, 0, 0);
        p.setProperty(Property.OVERFLOW_WRAP, OverflowWrapPropertyValue.BREAK_WORD);
        p.add(new Text(view.settled() ? "View online:" : "View and pay online:").setFontColor(MUTED));
        p.add(new Text(" "));
        Text link = new Text(text(view.hostedInvoiceUrl())).setFontColor(LINK);
        PdfLinkAnnotation annotation = (PdfLinkAnnotation) new PdfLinkAnnotation(new Rectangle(0, 0, 0, 0))
                .setAction(PdfAction.createURI(view.hostedInvoiceUrl()))
                .setFlags(PdfAnnotation.PRINT);
        annotation.setBorder(new PdfArray(new float[] {0, 0, 0}));
        link.setProperty(Property.LINK_ANNOTATION, annotation);
        p.add(link);
        return p;
    }

    /** A {@code <p>} whose margins the stylesheet sets to {@code top 0 0 0} (memo, footer note). */
    private static Paragraph paragraph(String content, float marginTop) {
        Paragraph p = new Paragraph();
        html(p).setMargins(marginTop, 0, 0, 0);
        String text = text(content);
        if (!text.isEmpty()) {
            p.add(new Text(text));
        }
        return p;
    }

    // ---- <table class="lines"> ------------------------------------------------------------------

    /**
     * The line items. Normally a large table: rows are laid out and drawn a batch at a time, so
     * memory does not grow with the invoice, and the columns get the stylesheet's {@code <col>}
     * widths (52/10/18/20 %). html2pdf sizes columns from every cell, though ("auto" table layout):
     * a figure too wide for its column (figures never wrap), or a word too long for the description
     * column, widens that column for the whole table. A large table cannot know its later rows, so
     * when something might not fit ({@link #columnsHold}), the table is built whole as html2pdf
     * builds it and laid out in one go.
     */
    private static void addLines(Document document, List<InvoiceView.Line> lines) {
        UnitValue[] widths = {
            UnitValue.createPercentValue(52), UnitValue.createPercentValue(10),
            UnitValue.createPercentValue(18), UnitValue.createPercentValue(20)};
        float tableWidth = document.getPdfDocument().getDefaultPageSize().getWidth() - MARGIN_LEFT - MARGIN_RIGHT;
        // an invoice without lines gets an ordinary table too: a large one would show its header twice
        boolean large = !lines.isEmpty() && columnsHold(lines, widths, tableWidth);
        Table table = new Table(widths, large);
        html(table);
        borderSpacing(table);
        table.setWidth(UnitValue.createPercentValue(100));
        float marginTop = mm("8mm");
        table.setMargins(marginTop, 0, 0, 0);
        String[] headings = {"Description", "Qty", "Unit price", "Amount"};
        for (int c = 0; c < headings.length; c++) {
            Cell th = cell(LINE_CELL_X, LINE_CELL_X, LINE_CELL_X, LINE_CELL_X).add(inline(headings[c]));
            th.setBorderBottom(HEAVY_RULE).setFontColor(HEADING).setFontSize(8f).setWidth(widths[c]);
            th.setTextAlignment(c == 0 ? TextAlignment.LEFT : TextAlignment.RIGHT);
            th.setProperty(Property.FONT_WEIGHT, BOLD);
            if (c > 0) {
                th.setProperty(Property.NO_SOFT_WRAP_INLINE, true);
            }
            table.addHeaderCell(th);
        }
        if (!large) {
            lines.forEach(line -> addLine(table, line));
            document.add(table);
            return;
        }
        ((PagesOpenUntilClose) document.getRenderer()).restoreMarginAtEachPage(table, marginTop);
        boolean added = false;
        int sinceFlush = 0;
        for (InvoiceView.Line line : lines) {
            addLine(table, line);
            if (++sinceFlush >= ROWS_PER_FLUSH) {
                // the first batch goes in with the table itself: a large table added before its first row
                // would be laid out twice from row 0, and get its top margin twice
                if (added) {
                    continueLargeTable(table);
                    table.flush();
                } else {
                    document.add(table);
                    added = true;
                }
                sinceFlush = 0;
            }
        }
        if (!added) {
            document.add(table);
        }
        continueLargeTable(table);
        table.complete();
    }

    /** One invoice line, and the rows of its price tiers under it. */
    private static void addLine(Table table, InvoiceView.Line line) {
        boolean hasTiers = !line.tiers().isEmpty();
        Cell desc = lineCell(hasTiers ? null : LIGHT_RULE, LINE_CELL_Y, LINE_CELL_X, LINE_CELL_Y);
        addText(desc, line.description());
        if (!line.period().isEmpty()) {
            desc.add(div(line.period()).setFontColor(FAINT).setFontSize(8f));
        }
        table.addCell(desc);
        table.addCell(number(hasTiers ? null : LIGHT_RULE, LINE_CELL_Y, LINE_CELL_Y, line.quantity()));
        table.addCell(number(hasTiers ? null : LIGHT_RULE, LINE_CELL_Y, LINE_CELL_Y, line.unitPrice()));
        table.addCell(number(hasTiers ? null : LIGHT_RULE, LINE_CELL_Y, LINE_CELL_Y, line.amount()));
        for (int t = 0; t < line.tiers().size(); t++) {
            InvoiceView.TierRow tier = line.tiers().get(t);
            boolean last = t == line.tiers().size() - 1;
            Border border = last ? LIGHT_RULE : null;
            float bottom = last ? LINE_CELL_Y : TIER_CELL_Y;
            Cell tierDesc = lineCell(border, TIER_CELL_Y, TIER_INDENT, bottom);
            addText(tierDesc, "Units " + tier.range());
            table.addCell(tier(tierDesc));
            table.addCell(tier(number(border, TIER_CELL_Y, bottom, tier.quantity())));
            table.addCell(tier(number(border, TIER_CELL_Y, bottom, tierUnitPrice(tier))));
            table.addCell(tier(number(border, TIER_CELL_Y, bottom, tier.amount())));
        }
    }

    /** "$0.001", "$0.0005 + $5.00 flat", "$5.00 flat". */
    private static String tierUnitPrice(InvoiceView.TierRow tier) {
        if (tier.flatFee().isEmpty()) {
            return tier.unitPrice();
        }
        return tier.unitPrice() + (tier.unitPrice().isEmpty() ? "" : " + ") + tier.flatFee() + " flat";
    }

    /**
     * Whether the stylesheet's column widths hold for these lines: every figure (quantity, unit
     * price, amount; they never wrap) fits its column, and so does the longest run of text without
     * a space in each description, with a point to spare. Widths are measured glyph by glyph in the
     * shipped fonts; the run rule overestimates (iText may also break after a hyphen or between CJK
     * characters), which only sends a few more invoices down the exact, slower path.
     */
    static boolean columnsHold(List<InvoiceView.Line> lines, UnitValue[] widths, float tableWidth) {
        float[] room = new float[widths.length];
        for (int c = 0; c < widths.length; c++) {
            room[c] = tableWidth * widths[c].getValue() / 100 - 2 * LINE_CELL_X - 1f;
        }
        float tierDescRoom = room[0] + LINE_CELL_X - TIER_INDENT;
        for (InvoiceView.Line line : lines) {
            if (width(line.quantity(), 9f) > room[1] || width(line.unitPrice(), 9f) > room[2]
                    || width(line.amount(), 9f) > room[3]
                    || longestRun(line.description(), 9f) > room[0] || longestRun(line.period(), 8f) > room[0]) {
                return false;
            }
            for (InvoiceView.TierRow tier : line.tiers()) {
                if (width(tier.quantity(), 8f) > room[1] || width(tierUnitPrice(tier), 8f) > room[2]
                        || width(tier.amount(), 8f) > room[3] || longestRun("Units " + tier.range(), 8f) > tierDescRoom) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Width of the widest run of {@code content} between spaces. */
    private static float longestRun(String content, float fontSize) {
        float widest = 0;
        for (String run : text(content).split(" ")) {
            widest = Math.max(widest, width(run, fontSize));
        }
        return widest;
    }

    /**
     * Width of {@code content} on one line: each character's advance in the base font, or in the
     * widest shipped font that has it, or a full em where none does.
     */
    private static float width(String content, float fontSize) {
        String text = text(content);
        long units = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            units += InvoiceFonts.advance(codePoint);
            i += Character.charCount(codePoint);
        }
        return units * fontSize / 1000f;
    }

    /**
     * Before a large table's next batch (or its completion, which draws the last row's bottom
     * border): iText places each batch as a new block and would give it the table's top margin,
     * opening an 8mm gap mid-table. html2pdf's single table has no such gap, but does repeat the
     * margin at the top of every page the table continues on; {@link PagesOpenUntilClose} puts it
     * back for that whenever a page begins.
     */
    private static void continueLargeTable(Table table) {
        table.setMarginTop(0);
    }

    private static Cell lineCell(Border bottomBorder, float top, float left, float bottom) {
        Cell cell = cell(top, LINE_CELL_X, bottom, left);
        cell.setBorderBottom(bottomBorder);
        return cell;
    }

    private static Cell number(Border bottomBorder, float top, float bottom, String value) {
        Cell cell = lineCell(bottomBorder, top, LINE_CELL_X, bottom).setTextAlignment(TextAlignment.RIGHT);
        cell.setProperty(Property.NO_SOFT_WRAP_INLINE, true);
        addText(cell, value);
        return cell;
    }

    /** .lines tr.tier td: 8pt, muted. */
    private static Cell tier(Cell cell) {
        return cell.setFontSize(8f).setFontColor(MUTED);
    }

    // ---- <div class="totals-block"><table class="totals"> ---------------------------------------

    private static Div totals(InvoiceView.Totals totals) {
        Div block = new Div();
        html(block).setMarginTop(mm("5mm"));
        block.setKeepTogether(true);
        Table table = table(2).setWidth(UnitValue.createPercentValue(50)).setHorizontalAlignment(HorizontalAlignment.RIGHT);
        table.setMarginTop(0).setMarginRight(0).setMarginBottom(0);
        total(table, "Subtotal", totals.subtotal(), null, null, 0);
        for (InvoiceView.Adjustment discount : totals.discounts()) {
            total(table, discount.label(), discount.amount(), null, null, 0);
        }
        for (InvoiceView.Adjustment tax : totals.taxes()) {
            total(table, tax.label(), tax.amount(), null, null, 0);
        }
        total(table, "Total", totals.total(), HEAVY_RULE, BOLD, 0);
        for (InvoiceView.Adjustment adjustment : totals.balanceAdjustments()) {
            total(table, adjustment.label(), adjustment.amount(), null, null, 0);
        }
        total(table, "Amount due", totals.amountDue(), LIGHT_RULE, BOLD, 10.5f);
        total(table, "Amount paid", totals.amountPaid(), null, null, 0);
        if (totals.partlyOrFullyPaid()) {
            total(table, "Amount remaining", totals.amountRemaining(), null, null, 0);
        }
        block.add(table);
        return block;
    }

    private static void total(Table table, String label, String amount, Border topBorder, String weight, float fontSize) {
        Cell th = cell(ONE_MM, LINE_CELL_X, ONE_MM, LINE_CELL_X).setTextAlignment(TextAlignment.LEFT);
        addText(th, label);
        th.setProperty(Property.FONT_WEIGHT, weight == null ? NORMAL : weight);
        Cell td = cell(ONE_MM, LINE_CELL_X, ONE_MM, LINE_CELL_X).setTextAlignment(TextAlignment.RIGHT);
        addText(td, amount);
        td.setProperty(Property.NO_SOFT_WRAP_INLINE, true);
        if (weight != null) {
            td.setProperty(Property.FONT_WEIGHT, weight);
        }
        for (Cell cell : new Cell[] {th, td}) {
            cell.setBorderTop(topBorder);
            if (fontSize > 0) {
                cell.setFontSize(fontSize);
            }
            table.addCell(cell);
        }
    }

    // ---- running footer and "Page x of y" (@page margin boxes) ---------------------------------

    /**
     * The @page bottom-left box (the running footer: seller and invoice number) and bottom-right
     * box ("Page x of y"), drawn on every page once the page count is known. Each is laid out as
     * html2pdf lays out a margin box: a box over the whole bottom margin, content at its top
     * (vertical-align: top) under a 3mm padding.
     */
    private static void drawFooters(PdfDocument pdf, FontProvider fonts, InvoiceView view) {
        int pages = pdf.getNumberOfPages();
        String running = view.seller().name() + " · Invoice " + view.number();
        for (int number = 1; number <= pages; number++) {
            PdfPage page = pdf.getPage(number);
            Rectangle size = page.getPageSize();
            // html2pdf makes each box a hair taller than the margin (its EPSILON)
            Rectangle box = new Rectangle(MARGIN_LEFT, 0, size.getWidth() - MARGIN_LEFT - MARGIN_RIGHT,
                    MARGIN_BOTTOM + 0.00001f);
            PdfCanvas pdfCanvas = new PdfCanvas(page);

            // @bottom-left { content: element(footer) }: the .running-footer div (7.5pt, #666)
            Div footer = div(running).setFontSize(7.5f).setFontColor(FAINT);
            drawMarginBox(pdfCanvas, box, fonts, marginBox().add(footer));

            // @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 7.5pt "Noto Sans"; color: #666 }
            Div pageNumber = marginBox().setTextAlignment(TextAlignment.RIGHT).setFontSize(7.5f).setFontColor(FAINT);
            pageNumber.setProperty(Property.FONT, new String[] {InvoiceFonts.BASE_FAMILY});
            // four pieces, as html2pdf builds the content (text, counter, text, counter): the glyphs then
            // land where html2pdf puts them to the last fraction of a point
            AnonymousInlineBox content = inline("Page ");
            content.add(new Text(Integer.toString(number))).add(new Text(" of ")).add(new Text(Integer.toString(pages)));
            pageNumber.add(content);
            drawMarginBox(pdfCanvas, box, fonts, pageNumber);
        }
    }

    /** A margin box: hides what overflows, content under a 3mm top padding. */
    private static Div marginBox() {
        Div div = new Div();
        div.setPaddingTop(mm("3mm"));
        div.setProperty(Property.OVERFLOW_X, OverflowPropertyValue.HIDDEN);
        div.setProperty(Property.OVERFLOW_Y, OverflowPropertyValue.HIDDEN);
        return div;
    }

    /** Margin boxes inherit from the page, and the page from the root element: {@code html { line-height: 1.35 }}. */
    private static void drawMarginBox(PdfCanvas pdfCanvas, Rectangle box, FontProvider fonts, Div content) {
        try (Canvas canvas = new Canvas(pdfCanvas, box)) {
            canvas.setProperty(Property.FONT_PROVIDER, fonts);
            canvas.setProperty(Property.FONT, FONT_FAMILIES);
            canvas.setProperty(Property.RENDERING_MODE, RenderingMode.HTML_MODE);
            canvas.setProperty(Property.COLLAPSING_MARGINS, true);
            canvas.setProperty(Property.LEADING, new Leading(Leading.MULTIPLIED, LINE_HEIGHT));
            canvas.setProperty(Property.LINE_HEIGHT, LineHeight.createMultipliedValue(LINE_HEIGHT));
            canvas.add(content);
        }
    }

    // ---- building blocks with html2pdf's per-element properties --------------------------------

    /** A {@code <div>} of text (in html2pdf: a Div around an anonymous inline box); empty when the text is. */
    private static Div div(String content) {
        Div div = new Div();
        html(div);
        String text = text(content);
        if (!text.isEmpty()) {
            div.add(inline(text));
        }
        return div;
    }

    /** Text that sits directly in a block: html2pdf wraps it in an anonymous inline box. */
    private static AnonymousInlineBox inline(String text) {
        AnonymousInlineBox box = new AnonymousInlineBox();
        box.setProperty(Property.OVERFLOW_X, OverflowPropertyValue.VISIBLE);
        box.setProperty(Property.OVERFLOW_Y, OverflowPropertyValue.VISIBLE);
        box.add(new Text(text));
        return box;
    }

    /** Text in a cell; no text (or only white space) leaves the cell empty, as it leaves a {@code <td>}. */
    private static void addText(Cell cell, String content) {
        String text = text(content);
        if (!text.isEmpty()) {
            cell.add(inline(text));
        }
    }

    private static Table table(int columns) {
        Table table = new Table(new UnitValue[columns]);
        html(table);
        borderSpacing(table);
        return table;
    }

    /** html2pdf's table: 2px (1.5pt) border spacing, unused with collapsed borders but set. */
    private static void borderSpacing(Table table) {
        table.setProperty(Property.HORIZONTAL_BORDER_SPACING, 1.5f);
        table.setProperty(Property.VERTICAL_BORDER_SPACING, 1.5f);
    }

    /** A {@code <td>}/{@code <th>}: html2pdf sets every padding and removes iText's default cell border. */
    private static Cell cell(float top, float right, float bottom, float left) {
        Cell cell = new Cell();
        html(cell);
        cell.setPaddings(top, right, bottom, left);
        cell.setBorderTop(null).setBorderRight(null).setBorderBottom(null).setBorderLeft(null);
        return cell;
    }

    /** What html2pdf sets on every block it makes: visible overflow in both directions. */
    private static <T extends BlockElement<T>> T html(T element) {
        element.setProperty(Property.OVERFLOW_X, OverflowPropertyValue.VISIBLE);
        element.setProperty(Property.OVERFLOW_Y, OverflowPropertyValue.VISIBLE);
        return element;
    }

    /**
     * The text of a block as html2pdf prints it (white-space: normal): every run of white space
     * collapsed to one space, and none left at either end. No-break and em spaces are not white
     * space here, as in HTML.
     */
    static String text(String content) {
        String collapsed = WhiteSpaceUtil.collapseConsecutiveSpaces(content);
        int begin = 0;
        int end = collapsed.length();
        while (begin < end && WhiteSpaceUtil.isNonLineBreakSpace(collapsed.charAt(begin))) {
            begin++;
        }
        while (end > begin && WhiteSpaceUtil.isNonLineBreakSpace(collapsed.charAt(end - 1))) {
            end--;
        }
        return collapsed.substring(begin, end);
    }

    private static float mm(String length) {
        return CssDimensionParsingUtils.parseAbsoluteLength(length);
    }

    private static DeviceRgb rgb(int hex) {
        return new DeviceRgb((hex >> 16) & 0xff, (hex >> 8) & 0xff, hex & 0xff);
    }

    /**
     * Lays out and draws each element as soon as it is added (so a long invoice's renderers do not
     * pile up), but leaves every page open until the layout is over: the footers need the page
     * count, and they are drawn onto the pages afterwards. Open pages cost their content streams
     * (a few tens of KB each), not their layout trees.
     */
    private static final class PagesOpenUntilClose extends DocumentRenderer {

        PagesOpenUntilClose(Document document) {
            super(document, true);
        }

        /** The line-item table and its top margin, restored at each new page (see {@link #continueLargeTable}). */
        private Table lines;
        private float linesMarginTop;

        void restoreMarginAtEachPage(Table table, float marginTop) {
            this.lines = table;
            this.linesMarginTop = marginTop;
        }

        @Override
        protected LayoutArea updateCurrentArea(LayoutResult overflowResult) {
            if (lines != null) {
                lines.setMarginTop(linesMarginTop);
            }
            // DocumentRenderer flushes the page before the new one when immediateFlush is on; only that is switched off
            immediateFlush = false;
            try {
                return super.updateCurrentArea(overflowResult);
            } finally {
                immediateFlush = true;
            }
        }

        /** Finishes the layout (elements waiting for a following one, floats) before the footers are drawn. */
        void closeLayout() {
            super.close();
        }

        @Override
        public void close() {
            // already closed by closeLayout(); Document.close() calls this again
        }

        @Override
        public IRenderer getNextRenderer() {
            PagesOpenUntilClose next = new PagesOpenUntilClose(document);
            next.restoreMarginAtEachPage(lines, linesMarginTop);
            return next;
        }
    }
}
