package com.adventive.billing.bench;

import com.adventive.billing.invoice.control.InvoicePdfRenderer;
import com.adventive.billing.invoice.control.RenderBenchSupport;
import com.adventive.billing.invoice.control.SampleInvoices;
import com.adventive.billing.invoice.entity.InvoiceView;
import com.adventive.billing.invoice.entity.RenderedPdf;
import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The Java half of the side-by-side render benchmark ({@code scripts/bench-render.sh} runs it and the
 * Chromium half, {@code bench/chromium/render.js}, on the same HTML files, and prints one table).
 * A benchmark, not a test: it prints figures and never fails on time.
 *
 * <pre>
 * java -cp CLASSPATH com.adventive.billing.bench.RenderSideBySide export DIR      # DIR/html/*.html, DIR/pdf/*.pdf
 * java -cp CLASSPATH com.adventive.billing.bench.RenderSideBySide measure DIR     # times, to DIR/java-N.json
 * java -Xmx512m -cp CLASSPATH com.adventive.billing.bench.RenderSideBySide concurrent   # two 10,000-line renders at once
 * java -cp CLASSPATH com.adventive.billing.bench.RenderSideBySide loop CASE SECONDS # for a profiler
 * </pre>
 *
 * <p>Cases (the {@code bench.cases} property picks some, by id, comma-separated): the standard
 * 1-page invoice (3 lines, one of them tiered, discount and tax) and the same invoice with 50,
 * 1,000 and 10,000 lines. Warm-ups and timed runs per case: {@code bench.warmups.ID},
 * {@code bench.runs.ID}.
 */
public final class RenderSideBySide {

    /** One invoice size. {@code id} names its files and its JSON entry. */
    record Case(String id, String name, int extraLines, int warmups, int runs) {

        InvoiceView view() {
            return SampleInvoices.builder().extraLines(extraLines).build().view();
        }

        int warmupsSetting() {
            return Integer.getInteger("bench.warmups." + id, warmups);
        }

        int runsSetting() {
            return Integer.getInteger("bench.runs." + id, runs);
        }
    }

    static final List<Case> CASES = List.of(
            new Case("p1", "1 page (3 lines)", 0, 40, 150),
            new Case("l50", "50 lines", 47, 15, 60),
            new Case("l1000", "1,000 lines", 997, 5, 15),
            new Case("l10000", "10,000 lines", 9997, 1, 3));

    private RenderSideBySide() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "measure";
        switch (mode) {
            case "export" -> export(Path.of(args[1]));
            case "measure" -> measure(Path.of(args[1]), args.length > 2 ? args[2] : "java");
            case "concurrent" -> concurrent(args.length > 1 ? args[1] : "l10000");
            case "loop" -> loop(byId(args[1]), Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException("modes: export DIR | measure DIR [NAME] | concurrent [CASE] | loop CASE SECONDS");
        }
    }

    static List<Case> selectedCases() {
        String wanted = System.getProperty("bench.cases", "");
        if (wanted.isBlank()) {
            return CASES;
        }
        List<Case> selected = new ArrayList<>();
        for (String id : wanted.split(",")) {
            selected.add(byId(id.trim()));
        }
        return selected;
    }

    static Case byId(String id) {
        return CASES.stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no case " + id + "; cases: "
                        + CASES.stream().map(Case::id).toList()));
    }

    /** The HTML the worker renders, one file per case, the worker's PDF of it beside, and the case list (cases.json). */
    private static void export(Path dir) throws IOException {
        InvoicePdfRenderer renderer = new InvoicePdfRenderer();
        Files.createDirectories(dir.resolve("html"));
        Files.createDirectories(dir.resolve("pdf"));
        StringBuilder cases = new StringBuilder("[");
        for (Case c : selectedCases()) {
            // the browser side reads the same warm-up and run counts from here
            cases.append(cases.length() == 1 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"id\":\"%s\",\"name\":\"%s\",\"warmups\":%d,\"runs\":%d}",
                    c.id(), c.name(), c.warmupsSetting(), c.runsSetting()));
            InvoiceView view = c.view();
            Files.writeString(dir.resolve("html/" + c.id() + ".html"), renderer.html(view), StandardCharsets.UTF_8);
            RenderedPdf pdf = renderer.render(view);
            Files.write(dir.resolve("pdf/" + c.id() + ".pdf"), pdf.bytes());
            System.out.printf(Locale.ROOT, "%-8s %-18s %6d pages %9.1f KiB  sha256 %s%n",
                    c.id(), c.name(), pdf.pages(), pdf.size() / 1024.0, pdf.sha256());
        }
        Files.writeString(dir.resolve("cases.json"), cases.append("]\n").toString(), StandardCharsets.UTF_8);
        // the browser gets the same font files (the script points fontconfig at this folder)
        RenderBenchSupport.copyFonts(dir.resolve("fonts"));
    }

    /** Warm-ups, then timed runs of each case, one at a time; prints and writes DIR/NAME.json. */
    private static void measure(Path dir, String name) throws IOException {
        long coldStart = System.nanoTime();
        InvoicePdfRenderer renderer = new InvoicePdfRenderer();
        renderer.render(CASES.get(0).view());
        double firstMs = millis(System.nanoTime() - coldStart);

        System.out.printf(Locale.ROOT, "java %s, max heap %d MiB, first render (fonts, templates, classes) %.0f ms%n",
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20, firstMs);
        warmUntilTheJitSettles(renderer);
        StringBuilder json = new StringBuilder("{\"renderer\":\"java\",\"cases\":{");
        List<Case> cases = selectedCases();
        for (int k = 0; k < cases.size(); k++) {
            Case c = cases.get(k);
            // the view is built once: the benchmark times the render (template + HTML to PDF), as the worker's render_ms
            InvoiceView view = c.view();
            for (int i = 0; i < c.warmupsSetting(); i++) {
                renderer.render(view);
            }
            double[] ms = new double[c.runsSetting()];
            RenderedPdf last = null;
            long cpuBefore = processCpuNanos();
            for (int i = 0; i < ms.length; i++) {
                long start = System.nanoTime();
                last = renderer.render(view);
                ms[i] = millis(System.nanoTime() - start);
            }
            // CPU of the whole JVM (GC and JIT included) per render: far less swayed by other load than wall time
            double cpuMs = millis(processCpuNanos() - cpuBefore) / ms.length;
            Arrays.sort(ms);
            System.out.printf(Locale.ROOT, "java     %-18s runs %4d  p50 %8.1f ms  p90 %8.1f ms  p99 %8.1f ms  cpu %8.1f ms  %4d pages %8.1f KiB%n",
                    c.name(), ms.length, percentile(ms, 50), percentile(ms, 90), percentile(ms, 99), cpuMs,
                    last.pages(), last.size() / 1024.0);
            json.append(k == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "\"%s\":{\"name\":\"%s\",\"runs\":%d,\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"cpu\":%.3f,\"pages\":%d,\"bytes\":%d,\"sha256\":\"%s\"}",
                    c.id(), c.name(), ms.length, percentile(ms, 50), percentile(ms, 90), percentile(ms, 99), cpuMs,
                    last.pages(), last.size(), last.sha256()));
        }
        json.append("}}\n");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name + ".json"), json.toString(), StandardCharsets.UTF_8);
    }

    /**
     * A server renders all day: compare it warm. Renders invoices until the JIT compiler
     * threads have (nearly) stopped working: under 3 % of one core over the last 2 s, measured from
     * their CPU time in /proc (the JVM's own compilation-time figure is wall time, which a loaded
     * machine stretches). At least 5 s, at most {@code bench.jit.seconds} (90).
     */
    private static void warmUntilTheJitSettles(InvoicePdfRenderer renderer) {
        // mostly small invoices, now and then a long one: its paths (a table laid out in batches) get compiled too
        InvoiceView small = CASES.get(0).view();
        InvoiceView fifty = CASES.get(1).view();
        List<InvoiceView> views = List.of(small, fifty, small, fifty, small, fifty, small, fifty, CASES.get(2).view());
        long began = System.nanoTime();
        long limit = Long.getLong("bench.jit.seconds", 90) * 1_000_000_000L;
        long lastCheck = began;
        long lastJitTicks = compilerThreadTicks();
        int renders = 0;
        while (true) {
            renderer.render(views.get(renders++ % views.size()));
            long now = System.nanoTime();
            if (now - lastCheck >= 2_000_000_000L) {
                long jitTicks = compilerThreadTicks();
                // clock ticks are 10 ms: 3 % of 2 s is 6 ticks
                boolean settled = jitTicks >= 0 && (jitTicks - lastJitTicks) * 10.0 / millis(now - lastCheck) < 0.03;
                lastJitTicks = jitTicks;
                lastCheck = now;
                if ((settled && now - began >= 5_000_000_000L) || now - began >= limit) {
                    System.out.printf(Locale.ROOT, "warm-up: %d renders in %.1f s, JIT compiler threads used %.1f s CPU%s%n",
                            renders, millis(now - began) / 1000, jitTicks / 100.0,
                            settled ? "" : " (still compiling: limit reached)");
                    return;
                }
            }
        }
    }

    /** CPU clock ticks (user + system) of this JVM's JIT compiler threads so far; -1 where /proc is not there. */
    private static long compilerThreadTicks() {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            long ticks = 0;
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    // HotSpot names them "C1 CompilerThre" and "C2 CompilerThre" (15 characters kept)
                    if (!Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                        continue;
                    }
                    String stat = Files.readString(task.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                } catch (IOException | RuntimeException gone) {
                    // a compiler thread can end between the listing and the read
                }
            }
            return ticks;
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Two renders of one case at once (production renders RENDER_CONCURRENCY=2 at a time), in
     * whatever heap this JVM was given (the script gives it the production -Xmx512m). Prints each
     * render's time, the most heap in use seen by a 2 ms sampler, and the most heap still in use
     * after any collection (what the two renders really held).
     */
    private static void concurrent(String caseId) throws Exception {
        Case c = byId(caseId);
        InvoicePdfRenderer renderer = new InvoicePdfRenderer();
        renderer.render(CASES.get(0).view());
        InvoiceView view = c.view();
        System.gc();
        long baseline = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();

        List<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).toList();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        AtomicLong maxAfterGc = new AtomicLong();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    GarbageCollectionNotificationInfo info =
                            GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                    long heap = heapPools.stream().mapToLong(pool -> {
                        MemoryUsage u = info.getGcInfo().getMemoryUsageAfterGc().get(pool);
                        return u == null ? 0 : u.getUsed();
                    }).sum();
                    maxAfterGc.accumulateAndGet(heap, Math::max);
                }
            }, null, null);
        }
        AtomicLong maxSampled = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                maxSampled.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();

        System.out.printf(Locale.ROOT, "two %s renders at once, max heap %d MiB, heap in use before %d MiB%n",
                c.name(), Runtime.getRuntime().maxMemory() >> 20, baseline >> 20);
        Map<String, Long> gcCountBefore = new HashMap<>();
        Map<String, Long> gcMsBefore = new HashMap<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCountBefore.put(gc.getName(), gc.getCollectionCount());
            gcMsBefore.put(gc.getName(), gc.getCollectionTime());
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        long start = System.nanoTime();
        try {
            List<Future<double[]>> renders = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                renders.add(pool.submit(() -> {
                    go.await();
                    long began = System.nanoTime();
                    RenderedPdf pdf = renderer.render(view);
                    return new double[] {millis(System.nanoTime() - began), pdf.pages(), pdf.size()};
                }));
            }
            go.countDown();
            for (int t = 0; t < renders.size(); t++) {
                double[] r = renders.get(t).get();
                System.out.printf(Locale.ROOT, "render %d: %.0f ms, %d pages, %.1f KiB%n", t + 1, r[0], (int) r[1], r[2] / 1024);
            }
        } finally {
            pool.shutdownNow();
            sampler.interrupt();
        }
        long gcCount = 0;
        long gcMs = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += gc.getCollectionCount() - gcCountBefore.getOrDefault(gc.getName(), 0L);
            gcMs += gc.getCollectionTime() - gcMsBefore.getOrDefault(gc.getName(), 0L);
        }
        System.out.printf(Locale.ROOT, "both done in %.0f ms; peak heap in use (2 ms samples) %d MiB; "
                        + "most heap still live after a collection %d MiB; %d collections, %.1f s in the collector%n",
                millis(System.nanoTime() - start), maxSampled.get() >> 20, maxAfterGc.get() >> 20, gcCount, gcMs / 1000.0);
    }

    /** Renders one case over and over for a while: something steady for a profiler to sample. */
    private static void loop(Case c, int seconds) {
        InvoicePdfRenderer renderer = new InvoicePdfRenderer();
        InvoiceView view = c.view();
        long warmUntil = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < warmUntil) {
            renderer.render(view);
        }
        System.out.println("warm; profiling " + c.name() + " for " + seconds + " s");
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        int n = 0;
        long began = System.nanoTime();
        while (System.nanoTime() < end) {
            renderer.render(view);
            n++;
        }
        System.out.printf(Locale.ROOT, "%d renders, %.1f ms each%n", n, millis(System.nanoTime() - began) / n);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }

    static double percentile(double[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
