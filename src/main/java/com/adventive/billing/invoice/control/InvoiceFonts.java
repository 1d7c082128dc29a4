package com.adventive.billing.invoice.control;

import com.itextpdf.io.font.PdfEncodings;
import com.itextpdf.io.font.TrueTypeFont;
import com.itextpdf.layout.font.FontProvider;
import com.itextpdf.layout.font.FontSet;
import com.itextpdf.styledxmlparser.resolver.font.BasicFontProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;

/**
 * The fonts invoice PDFs may use: only fonts shipped inside the war, never the machine's, so a
 * PDF comes out the same wherever it is rendered. Noto Sans (inside the html2pdf jar) for Latin,
 * Greek and Cyrillic; Noto Sans CJK JP (a subset, see resources/fonts/README.md) for Japanese,
 * Chinese and Korean; Noto Sans Arabic and Hebrew.
 *
 * <p>Parsing the font files is the expensive part (hundreds of milliseconds, megabytes of tables),
 * so it happens once per class loader and the parsed, read-only {@link FontSet} is shared. What is
 * not shared is the {@link FontProvider} around it: a provider caches the PdfFont objects of the
 * document it is working on (html2pdf resets that cache at the start of every conversion), so
 * two renders running at once must not share one. {@link #newProvider()} wraps the shared set in
 * a fresh provider, which costs microseconds.
 *
 * <p>The parsed fonts themselves are shared, and iText 9.3 is not safe for that at one point:
 * cutting the subset a PDF embeds reads glyph outlines through the font parser's single file
 * pointer (seek, then read), so two documents subsetting one font at the same moment read each
 * other's glyphs and embed garbage. {@link SubsetSerializingTrueTypeFont} takes a lock around just
 * that step (a few milliseconds at document close).
 */
final class InvoiceFonts {

    /** The family CSS asks for first, and the provider's fallback. */
    static final String BASE_FAMILY = "Noto Sans";

    private static final List<String> FONT_RESOURCES = List.of(
            "com/itextpdf/html2pdf/font/NotoSans-Regular.ttf",
            "com/itextpdf/html2pdf/font/NotoSans-Bold.ttf",
            "com/itextpdf/html2pdf/font/NotoSans-Italic.ttf",
            "com/itextpdf/html2pdf/font/NotoSans-BoldItalic.ttf",
            "fonts/NotoSansCJKjp-Regular-subset.ttf",
            "fonts/NotoSansArabic-Regular.ttf",
            "fonts/NotoSansArabic-Bold.ttf",
            "fonts/NotoSansHebrew-Regular.ttf",
            "fonts/NotoSansHebrew-Bold.ttf");

    private InvoiceFonts() {
    }

    /** A provider for one conversion, over the fonts parsed once. */
    static FontProvider newProvider() {
        return new BasicFontProvider(Shared.FONTS, BASE_FAMILY);
    }

    /** The classpath resources of the shipped fonts (for tests and the render benchmark). */
    static List<String> resources() {
        return FONT_RESOURCES;
    }

    /** The shared, parsed fonts (for tests). */
    static FontSet shared() {
        return Shared.FONTS;
    }

    /** Class-holder idiom: loaded on first use, safely published to every thread, loaded once. */
    private static final class Shared {
        static final FontSet FONTS = load();
    }

    private static FontSet load() {
        FontSet set = new FontSet();
        ClassLoader loader = InvoiceFonts.class.getClassLoader();
        for (String resource : FONT_RESOURCES) {
            try (InputStream in = loader.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("font missing from the classpath: " + resource);
                }
                // built directly, not by FontProgramFactory, so that the subset lock below is in place
                set.addFont(new SubsetSerializingTrueTypeFont(in.readAllBytes()), PdfEncodings.IDENTITY_H);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read font " + resource, e);
            }
        }
        return set;
    }

    /** A TrueType font whose subsetting, the one step that moves the shared file pointer, runs one at a time. */
    static final class SubsetSerializingTrueTypeFont extends TrueTypeFont {

        SubsetSerializingTrueTypeFont(byte[] ttf) throws IOException {
            super(ttf);
        }

        @Override
        public synchronized byte[] getSubset(Set<Integer> glyphs, boolean subsetTables) {
            return super.getSubset(glyphs, subsetTables);
        }
    }
}
