package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.InvoiceView;
import com.adventive.billing.invoice.entity.RenderedPdf;
import com.github.jknack.handlebars.Handlebars;
import com.github.jknack.handlebars.Template;
import com.itextpdf.html2pdf.ConverterProperties;
import com.itextpdf.html2pdf.HtmlConverter;
import com.itextpdf.kernel.pdf.PdfDocument;
import com.itextpdf.kernel.pdf.PdfString;
import com.itextpdf.kernel.pdf.PdfWriter;
import com.itextpdf.kernel.pdf.WriterProperties;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Renders an {@link InvoiceView} to a PDF. The look is defined by {@code templates/invoice.hbs}
 * styled by {@code templates/invoice.css}; the worker draws that look directly with iText's layout
 * API ({@link InvoiceLayout}), which is several times faster than converting the template's HTML
 * with html2pdf and keeps long invoices in bounded memory. The template path is kept
 * ({@link #html}, {@link #renderHtml}) as the reference the layout is tested against
 * (InvoiceLayoutEquivalenceTest) and as the HTML the render benchmark gives a browser.
 *
 * <p>Three properties matter more than looks:
 * <ul>
 * <li>Deterministic: the same view gives the same bytes. The PDF /ID derives from the invoice id,
 * its dates are the invoice's own and font subset tags are not random
 * ({@link DeterministicPdfWriter}). A retry after a crash stores the identical document.</li>
 * <li>No fetching: the layout reads nothing but the view and the shipped fonts. On the template
 * path, html2pdf's resource retriever refuses every URL ({@link NoRemoteResources}) and Handlebars
 * escapes all data, so nothing in an invoice can make the worker open a connection or read a
 * file either way.</li>
 * <li>Fonts from the war only, parsed once and shared ({@link InvoiceFonts}); safe for concurrent
 * renders.</li>
 * </ul>
 */
@ApplicationScoped
public class InvoicePdfRenderer {

    /** Relative URLs resolve against this and then hit {@link NoRemoteResources}; it names nothing real. */
    private static final String BASE_URI = "file:///invoice-pdf-resources-are-not-fetched/";

    private final Template template;

    public InvoicePdfRenderer() {
        Handlebars engine = InvoiceTemplates.htmlEngine();
        String stylesheet = classpathText("templates/invoice.css");
        // our own stylesheet, injected by a helper so no template needs a non-escaping {{{ }}}
        engine.registerHelper("invoiceStylesheet", (context, options) -> new Handlebars.SafeString(stylesheet));
        this.template = InvoiceTemplates.compile(engine, "invoice");
    }

    /** The invoice's PDF, laid out directly (the same drawing html2pdf makes of the template). */
    public RenderedPdf render(InvoiceView view) {
        long started = System.nanoTime();
        String seed = view.invoiceId() + "|" + view.number();
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        InvoicePdfDocument pdf = newDocument(out, seed, view.documentEpochSecond());
        InvoiceLayout.write(view, pdf, InvoiceFonts.newProvider());
        return RenderedPdf.of(out.toByteArray(), pdf.pagesAtClose, (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * HTML to PDF through html2pdf with the fixed settings every invoice got before the direct
     * layout: the reference rendering of the template. {@code seed} identifies the document (its
     * /ID and font subset tags derive from it); {@code epochSecond} dates it.
     */
    RenderedPdf renderHtml(String html, String seed, long epochSecond, long startedNanos) {
        NoRemoteResources.refuseStyleImports(html);
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        // html2pdf closes the document, and with it the writer; the output is an in-memory buffer
        InvoicePdfDocument pdf = newDocument(out, seed, epochSecond);
        HtmlConverter.convertToPdf(html, pdf, converterProperties());
        return RenderedPdf.of(out.toByteArray(), pdf.pagesAtClose, (System.nanoTime() - startedNanos) / 1_000_000);
    }

    private static InvoicePdfDocument newDocument(ByteArrayOutputStream out, String seed, long epochSecond) {
        WriterProperties writerProperties = new WriterProperties()
                .setInitialDocumentId(documentId(seed))
                .setModifiedDocumentId(documentId(seed));
        return new InvoicePdfDocument(new DeterministicPdfWriter(out, writerProperties, seed, epochSecond));
    }

    /**
     * The HTML the PDF is made from; public so tests can look at what the template produced and the
     * render benchmark can hand the very same document to a browser for a side-by-side timing.
     */
    public String html(InvoiceView view) {
        return InvoiceTemplates.apply(template, view);
    }

    static ConverterProperties converterProperties() {
        return new ConverterProperties()
                .setFontProvider(InvoiceFonts.newProvider())
                .setResourceRetriever(NoRemoteResources.INSTANCE)
                .setBaseUri(BASE_URI)
                .setCreateAcroForm(false);
    }

    /** 16 bytes (as PDF wants) derived from the invoice, instead of iText's time-and-memory based id. */
    private static PdfString documentId(String seed) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            return new PdfString(new String(Arrays.copyOf(digest, 16), StandardCharsets.ISO_8859_1));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String classpathText(String resource) {
        try (InputStream in = InvoicePdfRenderer.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing from the classpath: " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The document every invoice is written into. Two changes from iText's:
     * <ul>
     * <li>the page count is kept at close, since html2pdf closes the document and a closed one no
     * longer answers;</li>
     * <li>a fixed document id. iText numbers documents from a JVM-wide counter and mixes that number
     * into the hash of every object reference, and it writes the fonts out by iterating a hash map of
     * such references: so the byte order of a PDF depended on how many PDFs the JVM had opened
     * before. The id only tells documents apart when objects are copied between them, which
     * rendering never does.</li>
     * </ul>
     */
    private static final class InvoicePdfDocument extends PdfDocument {
        private static final long SAME_FOR_EVERY_INVOICE = 1L;

        private int pagesAtClose;

        InvoicePdfDocument(PdfWriter writer) {
            super(writer);
        }

        @Override
        public long getDocumentId() {
            return SAME_FOR_EVERY_INVOICE;
        }

        @Override
        public void close() {
            if (!isClosed()) {
                pagesAtClose = getNumberOfPages();
            }
            super.close();
        }
    }
}
