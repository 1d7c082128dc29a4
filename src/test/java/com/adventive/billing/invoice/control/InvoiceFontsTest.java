package com.adventive.billing.invoice.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.itextpdf.io.font.TrueTypeFont;
import com.itextpdf.layout.font.FontInfo;
import com.itextpdf.layout.font.FontProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class InvoiceFontsTest {

    @Test
    void onlyTheFontsShippedInTheWarAreAvailable() {
        Set<String> names = InvoiceFonts.shared().getFonts().stream()
                .map(info -> info.getDescriptor().getFontName())
                .collect(Collectors.toCollection(TreeSet::new));

        // no system fonts and no PDF standard fonts: output must not depend on the machine
        assertEquals(new TreeSet<>(List.of(
                "NotoSans-Regular", "NotoSans-Bold", "NotoSans-Italic", "NotoSans-BoldItalic",
                "NotoSansCJKjp-Regular",
                "NotoSansArabic-Regular", "NotoSansArabic-Bold",
                "NotoSansHebrew-Regular", "NotoSansHebrew-Bold")), names);
    }

    @Test
    void everyShippedFontIsLoadedOnceAndShared() {
        assertEquals(InvoiceFonts.shared(), InvoiceFonts.shared());
        assertEquals(program("NotoSans-Regular", InvoiceFonts.newProvider()),
                program("NotoSans-Regular", InvoiceFonts.newProvider()));
    }

    /**
     * iText cuts a font subset by seeking and reading through the parser's one shared file
     * pointer; without the lock, two threads subsetting one font get each other's glyphs (a plain
     * TrueTypeFont fails this about one time in six).
     */
    @Test
    void twoThreadsSubsettingOneFontGetExactlyWhatOneThreadGets() throws Exception {
        TrueTypeFont font = program("NotoSans-Regular", InvoiceFonts.newProvider());
        Set<Integer> latin = new TreeSet<>();
        for (int glyph = 10; glyph < 200; glyph += 3) {
            latin.add(glyph);
        }
        Set<Integer> other = new TreeSet<>();
        for (int glyph = 300; glyph < 900; glyph += 7) {
            other.add(glyph);
        }
        byte[] latinSubset = font.getSubset(latin, true);
        byte[] otherSubset = font.getSubset(other, true);

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<byte[]>> latinRuns = new ArrayList<>();
            List<Future<byte[]>> otherRuns = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                latinRuns.add(pool.submit(() -> font.getSubset(latin, true)));
                otherRuns.add(pool.submit(() -> font.getSubset(other, true)));
            }
            for (int i = 0; i < 300; i++) {
                assertArrayEquals(latinSubset, latinRuns.get(i).get(), "run " + i);
                assertArrayEquals(otherSubset, otherRuns.get(i).get(), "run " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static TrueTypeFont program(String name, FontProvider provider) {
        FontInfo info = InvoiceFonts.shared().getFonts().stream()
                .filter(i -> i.getDescriptor().getFontName().equals(name))
                .findFirst().orElseThrow();
        return (TrueTypeFont) provider.getPdfFont(info).getFontProgram();
    }
}
