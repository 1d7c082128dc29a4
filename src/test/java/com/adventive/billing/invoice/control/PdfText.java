package com.adventive.billing.invoice.control;

import com.itextpdf.kernel.pdf.PdfDocument;
import com.itextpdf.kernel.pdf.PdfReader;
import com.itextpdf.kernel.pdf.canvas.parser.EventType;
import com.itextpdf.kernel.pdf.canvas.parser.PdfCanvasProcessor;
import com.itextpdf.kernel.pdf.canvas.parser.PdfTextExtractor;
import com.itextpdf.kernel.pdf.canvas.parser.data.IEventData;
import com.itextpdf.kernel.pdf.canvas.parser.data.TextRenderInfo;
import com.itextpdf.kernel.pdf.canvas.parser.listener.IEventListener;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** Reads rendered PDFs back the way a customer's viewer (or a screen reader, or search) would. */
final class PdfText {

    private PdfText() {
    }

    /** The text of each page, in reading order (iText's location-based extraction). */
    static List<String> pages(byte[] pdf) {
        return withDocument(pdf, document -> {
            List<String> pages = new ArrayList<>();
            for (int p = 1; p <= document.getNumberOfPages(); p++) {
                pages.add(PdfTextExtractor.getTextFromPage(document.getPage(p)));
            }
            return pages;
        });
    }

    static String all(byte[] pdf) {
        return String.join("\n", pages(pdf));
    }

    /** One run of text as drawn: the font it was drawn with, and whether any glyph was .notdef (a box). */
    record DrawnText(String text, String font, boolean drawsMissingGlyph) {
    }

    /** Every run of text on every page, with the font and glyph ids used to draw it. */
    static List<DrawnText> drawnText(byte[] pdf) {
        return withDocument(pdf, document -> {
            List<DrawnText> runs = new ArrayList<>();
            IEventListener listener = new IEventListener() {
                @Override
                public void eventOccurred(IEventData data, EventType type) {
                    TextRenderInfo info = (TextRenderInfo) data;
                    byte[] codes = info.getPdfString().getValueBytes();
                    boolean notdef = false;
                    // Identity-H: two bytes per glyph id; glyph 0 is .notdef, what viewers draw as a box
                    for (int i = 0; i + 1 < codes.length; i += 2) {
                        notdef |= codes[i] == 0 && codes[i + 1] == 0;
                    }
                    runs.add(new DrawnText(info.getText(),
                            info.getFont().getFontProgram().getFontNames().getFontName(), notdef));
                }

                @Override
                public Set<EventType> getSupportedEvents() {
                    return Set.of(EventType.RENDER_TEXT);
                }
            };
            for (int p = 1; p <= document.getNumberOfPages(); p++) {
                new PdfCanvasProcessor(listener).processPageContent(document.getPage(p));
            }
            return runs;
        });
    }

    static <T> T withDocument(byte[] pdf, Function<PdfDocument, T> reader) {
        try (PdfDocument document = new PdfDocument(new PdfReader(new ByteArrayInputStream(pdf)))) {
            return reader.apply(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
