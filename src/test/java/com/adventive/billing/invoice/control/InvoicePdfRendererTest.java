package com.adventive.billing.invoice.control;

import com.adventive.billing.platform.entity.Texts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adventive.billing.invoice.control.PdfText.DrawnText;
import com.adventive.billing.invoice.entity.InvoiceView;
import com.adventive.billing.invoice.entity.RenderedPdf;
import com.itextpdf.kernel.pdf.PdfName;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class InvoicePdfRendererTest {

    private static final InvoicePdfRenderer RENDERER = new InvoicePdfRenderer();

    private static void assertContains(String haystack, String needle) {
        assertTrue(haystack.contains(needle), () -> "expected to find «" + needle + "» in:\n" + haystack);
    }

    @Test
    void showsWhatACustomerExpectsOfAnInvoice() {
        RenderedPdf pdf = RENDERER.render(SampleInvoices.standard().view());
        String text = PdfText.all(pdf.bytes());

        assertEquals(1, pdf.pages());
        // who bills whom
        assertContains(text, "Adventive");
        assertContains(text, "500 Market Street");
        assertContains(text, "Tax ID US 98-7654321");
        assertContains(text, "Example Corp");
        assertContains(text, "350 Fifth Avenue");
        assertContains(text, "New York, NY 10118");
        assertContains(text, "ap@example.com");
        // which invoice, when
        assertContains(text, "Invoice number INV-0042");
        assertContains(text, "Date of issue 25 Nov 2026");
        assertContains(text, "Date due 10 Dec 2026");
        assertContains(text, "Billing period 1 Nov 2026 – 1 Dec 2026");
        // every line: description, quantity, unit price, amount; tier rows under the metered line
        assertContains(text, "Pro plan (at $99.00 / month) 10 $99.00 $990.00");
        assertContains(text, "API calls 250,000 $170.00");
        assertContains(text, "Units 1 – 10,000 10,000 $0.00 $0.00");
        assertContains(text, "Units 10,001 – 100,000 90,000 $0.001 $90.00");
        assertContains(text, "Units 100,001 and above 150,000 $0.0005 + $5.00 flat $80.00");
        assertContains(text, "Onboarding session 1 $50.00 $50.00");
        // the money
        assertContains(text, "Subtotal $1,210.00");
        assertContains(text, "Discount (Launch partner, 10% off) -$121.00");
        assertContains(text, "Sales Tax 8.875% (NY) $96.65");
        assertContains(text, "Total $1,185.65");
        assertContains(text, "Amount due $1,185.65");
        assertContains(text, "Amount paid $0.00");
        assertContains(text, "$1,185.65 due 10 Dec 2026");
        // the link, printed so it also works on paper
        assertContains(text, "View and pay online: " + SampleInvoices.HOSTED_URL);
        assertContains(text, "Page 1 of 1");
    }

    @Test
    void paidInvoiceSaysSoAndShowsWhatRemains() {
        String text = PdfText.all(RENDERER.render(SampleInvoices.builder().paidInFull().build().view()).bytes());

        assertContains(text, "$1,185.65 paid");
        assertContains(text, "Amount paid $1,185.65");
        assertContains(text, "Amount remaining $0.00");
        assertContains(text, "View online: " + SampleInvoices.HOSTED_URL);
        assertFalse(text.contains("$1,185.65 due"), "nothing is due on a paid invoice");
    }

    @Test
    void yenAndKuwaitiDinarAmountsUseTheirOwnDecimals() {
        String yen = PdfText.all(RENDERER.render(SampleInvoices.builder().currency("jpy").build().view()).bytes());
        assertContains(yen, "Pro plan (at $99.00 / month) 10 ¥9,900 ¥99,000");
        assertContains(yen, "Total ¥118,565");

        String dinar = PdfText.all(RENDERER.render(SampleInvoices.builder().currency("kwd").build().view()).bytes());
        assertContains(dinar, "Pro plan (at $99.00 / month) 10 KWD 9.900 KWD 99.000");
        assertContains(dinar, "Total KWD 118.565");
    }

    @Test
    void japaneseAndArabicNamesAreDrawnWithRealGlyphsAndReadBackAsText() {
        String japanese = "株式会社テスト";
        String arabic = "شركة الاختبار";
        byte[] pdf = RENDERER.render(SampleInvoices.builder()
                .customerName(japanese)
                .firstLineDescription(arabic)
                .build().view()).bytes();

        String text = PdfText.all(pdf);
        assertContains(text, japanese);
        assertContains(text, arabic);

        List<DrawnText> runs = PdfText.drawnText(pdf);
        List<DrawnText> japaneseRuns = runs.stream().filter(r -> r.text().contains("株式会社")).toList();
        List<DrawnText> arabicRuns = runs.stream().filter(r -> r.text().contains("شركة")).toList();
        assertFalse(japaneseRuns.isEmpty());
        assertFalse(arabicRuns.isEmpty());
        for (DrawnText run : japaneseRuns) {
            assertTrue(run.font().endsWith("+NotoSansCJKjp-Regular"), run.toString());
            assertFalse(run.drawsMissingGlyph(), () -> "drawn as boxes: " + run);
        }
        for (DrawnText run : arabicRuns) {
            assertTrue(run.font().endsWith("+NotoSansArabic-Regular"), run.toString());
            assertFalse(run.drawsMissingGlyph(), () -> "drawn as boxes: " + run);
        }
        assertTrue(runs.stream().noneMatch(DrawnText::drawsMissingGlyph), "no box anywhere on the page");
    }

    @Test
    void theBoxDetectorDoesSeeAMissingGlyph() {
        // Khmer is in none of the shipped fonts: the check above would catch a font that lacks the script
        byte[] pdf = RENDERER.render(SampleInvoices.builder().customerName("ក្រុមហ៊ុន").build().view()).bytes();
        assertTrue(PdfText.drawnText(pdf).stream().anyMatch(DrawnText::drawsMissingGlyph));
    }

    @Test
    void sameViewGivesTheSameBytesEveryTime() {
        InvoiceView view = SampleInvoices.builder().customerName("株式会社テスト").build().view();

        RenderedPdf first = RENDERER.render(view);
        RenderedPdf second = RENDERER.render(view);
        RenderedPdf third = new InvoicePdfRenderer().render(view);

        assertArrayEquals(first.bytes(), second.bytes());
        assertArrayEquals(first.bytes(), third.bytes());
        assertEquals(Texts.sha256Hex(first.bytes()), first.sha256());
        assertEquals(first.sha256(), Texts.sha256Hex(third.bytes()));
    }

    @Test
    void aFreshJvmRendersTheSameBytes() throws Exception {
        String here = RENDERER.render(DeterminismProbe.view()).sha256();

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                DeterminismProbe.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "probe JVM did not finish");
        Matcher sha = Pattern.compile("sha256=([0-9a-f]{64})").matcher(output);

        assertTrue(sha.find(), output);
        assertEquals(here, sha.group(1));
    }

    @Test
    void documentIsDatedAndIdentifiedByTheInvoiceNotByTheClock() {
        RenderedPdf pdf = RENDERER.render(SampleInvoices.standard().view());
        RenderedPdf other = RENDERER.render(SampleInvoices.builder().id("in_other").number("INV-0043").build().view());

        PdfText.withDocument(pdf.bytes(), document -> {
            // finalized 25 Nov 2026 09:30 UTC
            assertEquals("D:20261125093000Z", document.getDocumentInfo().getMoreInfo("CreationDate"));
            assertEquals("D:20261125093000Z", document.getDocumentInfo().getMoreInfo("ModDate"));
            assertEquals("Invoice INV-0042", document.getDocumentInfo().getTitle());
            return null;
        });
        String id = PdfText.withDocument(pdf.bytes(), d -> d.getTrailer().getAsArray(PdfName.ID).toString());
        String otherId = PdfText.withDocument(other.bytes(), d -> d.getTrailer().getAsArray(PdfName.ID).toString());
        assertNotEquals(id, otherId);
        assertNotEquals(pdf.sha256(), other.sha256());
    }

    @Test
    void concurrentRendersGiveTheSameBytesAsOneAtATime() throws Exception {
        List<InvoiceView> views = List.of(
                SampleInvoices.standard().view(),
                SampleInvoices.builder().id("in_jp").customerName("株式会社テスト").currency("jpy").build().view(),
                SampleInvoices.builder().id("in_ar").customerName("شركة الاختبار").extraLines(60).build().view());
        List<String> sequential = views.stream().map(v -> RENDERER.render(v).sha256()).toList();

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 3; round++) {
                List<Future<String>> running = views.stream()
                        .map(v -> pool.submit(() -> RENDERER.render(v).sha256()))
                        .toList();
                for (int i = 0; i < views.size(); i++) {
                    assertEquals(sequential.get(i), running.get(i).get(), "view " + i + " round " + round);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aThousandLinesPaginateWithTheHeaderOnEveryPageAndTotalsOnceAtTheEnd() {
        RenderedPdf pdf = RENDERER.render(SampleInvoices.builder().extraLines(997).build().view());
        List<String> pages = PdfText.pages(pdf.bytes());

        assertTrue(pdf.pages() > 1, "pages: " + pdf.pages());
        assertEquals(pdf.pages(), pages.size());
        for (int p = 1; p < pages.size(); p++) {
            String page = pages.get(p);
            assertContains(page, "Description Qty Unit price Amount");
            assertContains(page, "Page " + (p + 1) + " of " + pages.size());
        }
        // every line is there exactly once, in order
        String all = String.join("\n", pages);
        List<Integer> seats = Pattern.compile("Seat license (\\d+) ").matcher(all).results()
                .map(m -> Integer.parseInt(m.group(1))).toList();
        assertEquals(java.util.stream.IntStream.rangeClosed(4, 1000).boxed().toList(), seats);
        // the totals block: once, on the last page, after the last line
        String last = pages.get(pages.size() - 1);
        for (int p = 0; p < pages.size() - 1; p++) {
            assertFalse(pages.get(p).contains("Total"), "Total on page " + (p + 1));
            assertFalse(pages.get(p).contains("Subtotal"), "Subtotal on page " + (p + 1));
        }
        assertTrue(last.indexOf("Total") > last.indexOf("Seat license 1000"), last);
        assertEquals(1, all.split("Subtotal", -1).length - 1);
        assertEquals(1, all.split("Amount due", -1).length - 1);
    }
}
