package com.adventive.billing.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a JFR recording and prints where the sampled CPU time went, for {@code scripts/bench-render-profile.sh}:
 * the top methods by self time (top frame), by total time (anywhere on the stack), and the share of
 * samples under a few phases of an html2pdf conversion. Java 17's {@code jfr} tool has no such view.
 *
 * <pre>
 * java -cp CLASSPATH com.adventive.billing.bench.JfrHotspots recording.jfr [rows] [thread-name-prefix] [method-on-stack-prefix]
 * </pre>
 */
public final class JfrHotspots {

    /** Phases of one render, by a method that marks them on the stack; a sample may be in several. */
    private static final Map<String, String> PHASES = new LinkedHashMap<>();

    static {
        // the direct layout (InvoiceLayout)
        PHASES.put("direct layout: the whole render", "com.adventive.billing.invoice.control.InvoiceLayout.write");
        PHASES.put("  Document.add (elements laid out as they are added)", "com.itextpdf.layout.RootElement.add");
        PHASES.put("  line items (large table: build + flush)", "com.adventive.billing.invoice.control.InvoiceLayout.addLines");
        PHASES.put("  footers drawn at the end", "com.adventive.billing.invoice.control.InvoiceLayout.drawFooters");
        PHASES.put("  column-width check", "com.adventive.billing.invoice.control.InvoiceLayout.columnsHold");
        // html2pdf (the template path)
        PHASES.put("template to HTML (Handlebars)", "com.adventive.billing.invoice.control.InvoicePdfRenderer.html");
        PHASES.put("HTML parse (jsoup)", "com.itextpdf.styledxmlparser.node.impl.jsoup.JsoupHtmlParser.parse");
        PHASES.put("CSS resolve (parse + match + apply styles)", "com.itextpdf.html2pdf.css.resolve.DefaultCssResolver.resolveStyles");
        PHASES.put("  user-agent stylesheet matching", "com.itextpdf.html2pdf.css.resolve.UserAgentCss.getStyles");
        PHASES.put("CSS resolver setup (stylesheet parse)", "com.itextpdf.html2pdf.css.resolve.DefaultCssResolver.<init>");
        PHASES.put("html2pdf's walk of the DOM (CSS, tag workers, first layout pass)", "com.itextpdf.html2pdf.attach.impl.DefaultHtmlProcessor.visit");
        PHASES.put("layout (all passes)", "com.itextpdf.layout.renderer.RootRenderer.addChild");
        PHASES.put("html2pdf page rules (@page, margin boxes resolved)", "com.itextpdf.html2pdf.attach.impl.layout.HtmlDocumentRenderer.processPageRules");
        PHASES.put("  table layout", "com.itextpdf.layout.renderer.TableRenderer.layout");
        PHASES.put("  second layout pass for counter(pages)", "com.itextpdf.html2pdf.attach.impl.layout.HtmlDocument.relayout");
        PHASES.put("  table column widths (min/max of every cell)", "com.itextpdf.layout.renderer.TableWidths.calculateMinMaxWidths");
        PHASES.put("page margin boxes (running footer, Page x of y)", "com.itextpdf.html2pdf.attach.impl.layout.PageContextProcessor.processPageEnd");
        PHASES.put("font selection", "com.itextpdf.layout.font.FontSelector.<init>");
        PHASES.put("text shaping/measuring (TextRenderer.layout)", "com.itextpdf.layout.renderer.TextRenderer.layout");
        PHASES.put("drawing (renderers' draw)", "com.itextpdf.layout.renderer.AbstractRenderer.draw");
        PHASES.put("PDF close (fonts subset, write)", "com.itextpdf.kernel.pdf.PdfDocument.close");
        PHASES.put("  font subsetting", "com.itextpdf.io.font.TrueTypeFont.getSubset");
        PHASES.put("  deflate (compression)", "java.util.zip.Deflater.deflate");
        PHASES.put("page flush (content streams written)", "com.itextpdf.kernel.pdf.PdfPage.flush");
    }

    private JfrHotspots() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        String threadPrefix = args.length > 2 ? args[2] : "main";
        // only samples with a method of this name (prefix, e.g. a class) on the stack: one code path of a server
        String onStack = args.length > 3 ? args[3] : "";

        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> selfPackage = new HashMap<>();
        Map<String, Integer> phases = new LinkedHashMap<>();
        PHASES.keySet().forEach(k -> phases.put(k, 0));
        int samples = 0;
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        for (RecordedEvent event : events) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            String thread = event.getThread("sampledThread") == null ? "" : event.getThread("sampledThread").getJavaName();
            if (thread == null || !thread.startsWith(threadPrefix)) {
                continue;
            }
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            List<RecordedFrame> frames = stack.getFrames();
            if (!onStack.isEmpty() && frames.stream().noneMatch(f -> name(f).startsWith(onStack))) {
                continue;
            }
            samples++;
            String top = name(frames.get(0));
            self.merge(top, 1, Integer::sum);
            selfPackage.merge(packageOf(frames.get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                String method = name(frame);
                if (seen.add(method)) {
                    total.merge(method, 1, Integer::sum);
                }
            }
            for (Map.Entry<String, String> phase : PHASES.entrySet()) {
                if (seen.contains(phase.getValue())) {
                    phases.merge(phase.getKey(), 1, Integer::sum);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d execution samples on threads %s*%s%n", file.getFileName(), samples, threadPrefix,
                onStack.isEmpty() ? "" : " with " + onStack + "* on the stack");
        if (samples == 0) {
            return;
        }
        final int n = samples;
        System.out.println("\nphases (share of samples with the marker method on the stack; record with -XX:FlightRecorderOptions:stackdepth=512 or deep layout stacks are cut):");
        phases.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %5.1f %%  %s%n", 100.0 * v / n, k));
        System.out.println("\nself time by package:");
        print(selfPackage, rows, n);
        System.out.println("\nself time by method:");
        print(self, rows, n);
        System.out.println("\ntotal time by method (on the stack):");
        print(total, rows * 2, n);
    }

    private static void print(Map<String, Integer> counts, int rows, int samples) {
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(rows)
                .collect(Collectors.toList())
                .forEach(e -> System.out.printf(Locale.ROOT, "  %5.1f %%  %s%n", 100.0 * e.getValue() / samples, e.getKey()));
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static String packageOf(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        int dot = type.lastIndexOf('.');
        return dot < 0 ? type : type.substring(0, dot);
    }
}
