package com.adventive.billing.invoice.control;

import com.itextpdf.io.font.FontProgram;
import com.itextpdf.io.font.PdfEncodings;
import com.itextpdf.io.font.otf.Glyph;
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

    /** NotoSans-Regular first: {@link #advance(int)} looks there first. */
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

    /**
     * The advance of a character in text units (1/1000 em) as an invoice draws it at most: in the
     * regular base font when it has the character (what Latin text is drawn with), otherwise the
     * widest shipped font that has it, otherwise a full em. For estimating how wide a run of text
     * will be laid out; reads the shared, read-only glyph tables.
     */
    static int advance(int codePoint) {
        Glyph glyph = Shared.PROGRAMS[0].getGlyph(codePoint);
        if (glyph != null) {
            return glyph.getWidth();
        }
        int widest = -1;
        for (FontProgram program : Shared.PROGRAMS) {
            Glyph other = program.getGlyph(codePoint);
            if (other != null) {
                widest = Math.max(widest, other.getWidth());
            }
        }
        return widest < 0 ? 1000 : widest;
    }

    /** Class-holder idiom: loaded on first use, safely published to every thread, loaded once. */
    private static final class Shared {
        static final FontProgram[] PROGRAMS = load();
        static final FontSet FONTS = set(PROGRAMS);
    }

    private static FontProgram[] load() {
        FontProgram[] programs = new FontProgram[FONT_RESOURCES.size()];
        ClassLoader loader = InvoiceFonts.class.getClassLoader();
        for (int i = 0; i < programs.length; i++) {
            String resource = FONT_RESOURCES.get(i);
            try (InputStream in = loader.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("font missing from the classpath: " + resource);
                }
                // built directly, not by FontProgramFactory, so that the subset lock below is in place
                programs[i] = new SubsetSerializingTrueTypeFont(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read font " + resource, e);
            }
        }
        return programs;
    }

    private static FontSet set(FontProgram[] programs) {
        FontSet set = new FontSet();
        for (FontProgram program : programs) {
            set.addFont(program, PdfEncodings.IDENTITY_H);
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
