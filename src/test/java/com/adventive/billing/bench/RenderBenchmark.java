package com.adventive.billing.bench;

import com.adventive.billing.invoice.control.InvoicePdfRenderer;
import com.adventive.billing.invoice.control.SampleInvoices;
import com.adventive.billing.invoice.entity.InvoiceView;
import com.adventive.billing.invoice.entity.RenderedPdf;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Prints how long invoice PDFs take to render, how big they are and how much heap rendering holds.
 * A benchmark, not a test: it prints figures and never fails on time.
 *
 * <pre>
 * mvn -q test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=com.adventive.billing.bench.RenderBenchmark
 * </pre>
 */
public final class RenderBenchmark {

    private record Case(String name, InvoiceView view, int warmups, int runs) {
    }

    private RenderBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long coldStart = System.nanoTime();
        InvoicePdfRenderer renderer = new InvoicePdfRenderer();
        renderer.render(SampleInvoices.standard().view());
        double firstRenderMs = millis(System.nanoTime() - coldStart);

        List<Case> cases = List.of(
                new Case("1 page, 3 lines", SampleInvoices.standard().view(), 60, 200),
                new Case("50 lines", SampleInvoices.builder().extraLines(47).build().view(), 20, 60),
                new Case("1,000 lines", SampleInvoices.builder().extraLines(997).build().view(), 4, 15),
                new Case("3 lines, Japanese name", SampleInvoices.builder().customerName("株式会社テスト").build().view(),
                        40, 100));

        System.out.printf(Locale.ROOT, "Invoice PDF render benchmark (Java %s, %d cores, max heap %d MiB)%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf(Locale.ROOT, "first render in a fresh renderer, fonts and templates loaded: %.0f ms%n%n",
                firstRenderMs);
        System.out.printf(Locale.ROOT, "%-24s %5s %9s %9s %9s %6s %10s%n",
                "invoice", "runs", "median", "p95", "max", "pages", "size");
        for (Case c : cases) {
            for (int i = 0; i < c.warmups(); i++) {
                renderer.render(c.view());
            }
            double[] ms = new double[c.runs()];
            RenderedPdf last = null;
            for (int i = 0; i < c.runs(); i++) {
                long start = System.nanoTime();
                last = renderer.render(c.view());
                ms[i] = millis(System.nanoTime() - start);
            }
            Arrays.sort(ms);
            System.out.printf(Locale.ROOT, "%-24s %5d %6.1f ms %6.1f ms %6.1f ms %6d %7.1f KiB%n",
                    c.name(), c.runs(), percentile(ms, 50), percentile(ms, 95), ms[ms.length - 1],
                    last.pages(), last.size() / 1024.0);
        }

        // production renders two at a time (the MDB's max concurrency)
        InvoiceView fifty = cases.get(1).view();
        int perThread = 30;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        try {
            for (int t = 0; t < 2; t++) {
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        renderer.render(fifty);
                    }
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow(); // a failed render must not leave threads that keep exec:java alive
        }
        double wall = millis(System.nanoTime() - start);
        System.out.printf(Locale.ROOT, "%n2 threads x %d renders of the 50-line invoice: %.0f ms wall, %.1f renders/s%n",
                perThread, wall, 2 * perThread / (wall / 1000));

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        System.out.printf(Locale.ROOT, "heap used after GC (fonts, templates and JVM): %d MiB%n",
                memory.getHeapMemoryUsage().getUsed() >> 20);
        long before = memory.getHeapMemoryUsage().getUsed();
        RenderedPdf big = renderer.render(cases.get(2).view());
        long afterBig = memory.getHeapMemoryUsage().getUsed();
        System.out.printf(Locale.ROOT, "heap allocated by one 1,000-line render (no GC in between, approx.): %d MiB%n",
                Math.max(0, afterBig - before) >> 20);
        System.out.printf(Locale.ROOT, "1,000-line sha256 %s%n", big.sha256());
    }

    private static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }

    private static double percentile(double[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
