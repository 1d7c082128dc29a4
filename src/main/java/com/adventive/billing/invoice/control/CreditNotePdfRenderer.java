package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.CreditNoteNotice;
import com.adventive.billing.invoice.entity.InvoiceView;
import com.itextpdf.kernel.geom.PageSize;
import com.itextpdf.kernel.pdf.PdfDocument;
import com.itextpdf.kernel.pdf.PdfString;
import com.itextpdf.kernel.pdf.WriterProperties;
import com.itextpdf.layout.Document;
import com.itextpdf.layout.element.Cell;
import com.itextpdf.layout.element.Paragraph;
import com.itextpdf.layout.element.Table;
import com.itextpdf.layout.properties.Property;
import com.itextpdf.layout.properties.TextAlignment;
import com.itextpdf.layout.properties.UnitValue;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The credit note's PDF, rendered by the worker rather than downloaded from Stripe: Stripe's PDF
 * link is a public URL on another host, which the worker would have to fetch and trust, while this
 * one is made from what the ledger and Stripe's answer hold, with the invoices' own fonts (Noto
 * Sans, shipped in the war: every script the invoice shows) and the same bytes for the same
 * credit note, so a retried email attaches exactly what the first attempt would have.
 */
@ApplicationScoped
public class CreditNotePdfRenderer {

    public byte[] render(InvoiceView invoice, CreditNoteNotice note, long documentEpochSecond) {
        String seed = "credit-note|" + note.creditNoteId();
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 * 1024);
        WriterProperties properties = new WriterProperties()
                .setInitialDocumentId(documentId(seed))
                .setModifiedDocumentId(documentId(seed));
        try (PdfDocument pdf = new PdfDocument(new DeterministicPdfWriter(out, properties, seed, documentEpochSecond));
             Document document = new Document(pdf, PageSize.A4)) {
            pdf.getDocumentInfo().setTitle("Credit note " + note.number());
            pdf.getDocumentInfo().setAuthor(invoice.seller().name());
            document.setProperty(Property.FONT_PROVIDER, InvoiceFonts.newProvider());
            document.setProperty(Property.FONT, new String[] {InvoiceFonts.BASE_FAMILY});
            document.setFontSize(10f);
            document.add(new Paragraph(invoice.seller().name()).setFontSize(16f));
            invoice.seller().addressLines().forEach(line -> document.add(new Paragraph(line).setMargin(0)));
            document.add(new Paragraph("Credit note " + note.number()).setFontSize(14f).setMarginTop(18f));
            Table facts = new Table(UnitValue.createPercentArray(new float[] {35, 65})).useAllAvailableWidth();
            row(facts, "Date of issue", note.issueDate());
            row(facts, "Invoice", invoice.number());
            row(facts, "Bill to", invoice.customer().name().isEmpty() ? invoice.customer().email() : invoice.customer().name());
            if (!note.reason().isEmpty()) {
                row(facts, "Reason", note.reason());
            }
            document.add(facts);
            Table lines = new Table(UnitValue.createPercentArray(new float[] {75, 25})).useAllAvailableWidth().setMarginTop(14f);
            lines.addHeaderCell(new Cell().add(new Paragraph("Description")));
            lines.addHeaderCell(new Cell().add(new Paragraph("Amount").setTextAlignment(TextAlignment.RIGHT)));
            for (CreditNoteNotice.Line line : note.lines()) {
                lines.addCell(new Cell().add(new Paragraph(line.description())));
                lines.addCell(new Cell().add(new Paragraph(line.amount()).setTextAlignment(TextAlignment.RIGHT)));
            }
            lines.addCell(new Cell().add(new Paragraph("Total credited")));
            lines.addCell(new Cell().add(new Paragraph(note.total()).setTextAlignment(TextAlignment.RIGHT)));
            document.add(lines);
            if (!note.memo().isEmpty()) {
                document.add(new Paragraph(note.memo()).setMarginTop(14f));
            }
        }
        return out.toByteArray();
    }

    private static void row(Table table, String label, String value) {
        table.addCell(new Cell().add(new Paragraph(label)));
        table.addCell(new Cell().add(new Paragraph(value == null ? "" : value)));
    }

    private static PdfString documentId(String seed) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            return new PdfString(Arrays.copyOf(digest, 16)).setHexWriting(true);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
