package com.adventive.billing.bench;

import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.StripeSigner;
import com.adventive.billing.it.support.TestComponents;
import com.adventive.billing.it.support.WebhookClient;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Figures for the invoice path against the real worker in Open Liberty, with the integration-test
 * components (PostgreSQL, GreenMail, s3proxy, WireMock) on loopback. A benchmark, not a test: it
 * prints figures and never passes or fails on them.
 *
 * <ol>
 *   <li>pure intake at fixed offered rates (open loop: each request leaves at its scheduled time,
 *       whether or not earlier ones were answered, so a slow server cannot slow the load down and
 *       hide its own latency), p50/p99 and server CPU per request at each rate;</li>
 *   <li>webhook ingest at saturation: N concurrent senders post signed events, bounded by count and time; once
 *       with {@code payout.paid} (no handler takes it: stored as ignored, pure intake, no background work) and once
 *       with {@code invoice.finalized} (each accepted event queues a render + store + email, which
 *       competes for the CPU while ingest runs); then the backlog is drained (bounded) and its rate
 *       printed;</li>
 *   <li>signed webhook → email accepted by SMTP: one event at a time, for 1-line, 50-line and
 *       1,000-line invoices, with the server's own render time and where the rest of the time goes;</li>
 *   <li>server heap (MicroProfile Metrics) and resident memory, and CPU per phase (server JVM,
 *       PostgreSQL, this JVM, rest of the machine).</li>
 * </ol>
 *
 * Needs the war and the Liberty server laid out first ({@code mvn package liberty:create}); run it
 * through {@code scripts/bench.sh}. Knobs are system properties, see {@link Knobs}.
 */
public final class InvoicePathBenchmark {

    /** Every ingest event goes to one address: GreenMail keeps one mailbox per recipient. */
    private static final String INGEST_ADDRESS = "ingest@bench.example";
    private static final Pattern RENDER_MS = Pattern.compile("render_ms=(\\d+)");
    private static final Pattern PAGES = Pattern.compile("pages=(\\d+)");
    private static final long HISTOGRAM_MAX_MICROS = Duration.ofMinutes(5).toNanos() / 1000;

    /** Where the server JVMs write their GC logs, one file per process. */
    static final Path GC_LOG_DIR = Path.of(System.getProperty("liberty.wlp.dir", "target/liberty/wlp"))
            .toAbsolutePath().getParent().resolve("bench-gc");
    private static final Pattern GC_HEAP = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    /** The knobs, read from system properties ({@code -Dbench.…}); defaults keep the run at ~3 minutes on 2 cores. */
    record Knobs(int ingestRequests, int finalizedRequests, int ingestSeconds, int concurrency, int warmupRequests, int drainSeconds,
                 int e2eSamples, int e2eWarmups, int largeSamples, int largeLines, boolean productionTimings,
                 int renderConcurrency, int workConcurrency, List<Integer> intakeRates, int intakeRateSeconds,
                 int readySamples, String serverProfileDir) {

        static Knobs fromSystemProperties() {
            return new Knobs(
                    intProperty("bench.ingest.requests", 2000),
                    // Each accepted invoice.finalized costs ~75 ms of render + store + email afterwards
                    // (two at a time): 1,000 keeps the drain near a minute on 2 cores.
                    intProperty("bench.ingest.finalized.requests", 1000),
                    intProperty("bench.ingest.seconds", 60),
                    intProperty("bench.ingest.concurrency", 8),
                    // The first minute of traffic is mostly the JIT compiling the request path (C2 threads
                    // were most of the server's CPU at 100 events/s after 400): warm it properly.
                    intProperty("bench.ingest.warmup", 4000),
                    intProperty("bench.drain.seconds", 240),
                    intProperty("bench.e2e.samples", 30),
                    intProperty("bench.e2e.warmups", 5),
                    intProperty("bench.e2e.large.samples", 3),
                    intProperty("bench.e2e.large.lines", 1000),
                    !"harness".equalsIgnoreCase(System.getProperty("bench.server.timings", "production")),
                    intProperty("bench.render.concurrency", 0),
                    intProperty("bench.work.concurrency", 0),
                    intList("bench.intake.rates", "100,250,500"),
                    intProperty("bench.intake.rate.seconds", 15),
                    intProperty("bench.ready.samples", 2),
                    System.getProperty("bench.server.profile", "").trim());
        }

        /** What the benchmark changes in the harness's standard server.env. */
        Map<String, String> serverEnvOverrides() {
            Map<String, String> overrides = new LinkedHashMap<>();
            if (productionTimings) {
                overrides.putAll(BenchEnvironment.PRODUCTION_TIMINGS);
            }
            if (renderConcurrency > 0) {
                overrides.put("RENDER_CONCURRENCY", Integer.toString(renderConcurrency));
            }
            if (workConcurrency > 0) {
                overrides.put("WORK_CONCURRENCY", Integer.toString(workConcurrency));
            }
            // The server's GC log gives its peak heap (the heap before each collection) without asking
            // the server anything. Liberty's script also gives JVM_ARGS to `server stop`: %p keeps apart.
            overrides.put("JVM_ARGS", "-Xlog:gc:file=" + GC_LOG_DIR.resolve("gc-%p.log"));
            return overrides;
        }

        private static List<Integer> intList(String name, String defaultValue) {
            String value = System.getProperty(name, defaultValue);
            List<Integer> values = new ArrayList<>();
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    try {
                        values.add(Integer.parseInt(part.trim()));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("-D" + name + " must be whole numbers separated by commas, got '" + value + "'");
                    }
                }
            }
            return values;
        }

        private static int intProperty(String name, int defaultValue) {
            String value = System.getProperty(name);
            if (value == null || value.isBlank()) {
                return defaultValue;
            }
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-D" + name + " must be a whole number, got '" + value + "'");
            }
        }
    }

    private final Knobs knobs;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final StripeSigner signer = BillingServer.currentSigner();
    private final CpuMeter cpu = new CpuMeter();
    private final MemoryPeaks memory = new MemoryPeaks();
    private URI webhookUri;

    private InvoicePathBenchmark(Knobs knobs) {
        this.knobs = knobs;
    }

    public static void main(String[] args) {
        Knobs knobs = Knobs.fromSystemProperties();
        System.out.println("== Invoice path benchmark (real worker in Open Liberty; components on loopback) ==");
        System.out.println("knobs: " + knobs);
        long start = System.nanoTime();
        try {
            Files.createDirectories(GC_LOG_DIR);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BenchEnvironment environment;
        try {
            environment = BenchEnvironment.start(knobs.serverEnvOverrides());
        } catch (RuntimeException | Error e) {
            System.out.println("could not start the components and the server: " + e);
            throw e;
        }
        boolean stopped = false;
        try {
            System.out.printf(Locale.ROOT, "components and server started in %.1f s (server %s, port %d, RENDER_CONCURRENCY=%s,"
                            + " WORK_CONCURRENCY=%s, work timers: %s)%n", seconds(System.nanoTime() - start), BillingServer.serverDir().getFileName(),
                    BillingServer.httpPort(), BillingServer.env("RENDER_CONCURRENCY"), workConcurrency(),
                    knobs.productionTimings() ? "production defaults" : "harness (sweep 1 s, lease 20 s)");
            new InvoicePathBenchmark(knobs).run();
        } finally {
            long stopStart = System.nanoTime();
            stopped = environment.stop();
            System.out.printf(Locale.ROOT, "%nserver and components %s in %.1f s; whole benchmark %.1f s%n",
                    stopped ? "stopped" : "NOT stopped cleanly", seconds(System.nanoTime() - stopStart),
                    seconds(System.nanoTime() - start));
        }
        if (!stopped) {
            // Components may still hold non-daemon threads, and exec:java would wait for them forever:
            // exit, so that the harness's shutdown hook runs once more.
            System.exit(2);
        }
    }

    /** WORK_CONCURRENCY as the server got it, or server.xml's default when the environment leaves it out. */
    private static String workConcurrency() {
        String value = BillingServer.env("WORK_CONCURRENCY");
        return value == null ? "8 (server.xml default)" : value;
    }

    private void run() {
        webhookUri = URI.create(BillingServer.url(WebhookClient.WEBHOOK_PATH));
        cpu.locate();
        profiler = ServerProfiler.of(knobs.serverProfileDir(), cpu.server());
        printMemory("after start");
        memory.start(cpu.server());

        boolean[] accepting = {false};
        phase("warm-up", () -> accepting[0] = warmUp());
        if (!accepting[0]) {
            System.out.println("\n!! the worker did not answer 200 to signed events during warm-up: nothing else is measured");
            System.out.println(BillingServer.messagesLogTail(60));
            return;
        }
        phase("intake-rates", this::intakeAtFixedRates);
        phase("ingest-payout-paid", () -> ingest(PURE_INTAKE_TYPE, "no handler takes it: stored as ignored, no background work",
                knobs.ingestRequests()));
        phase("ingest-invoice-finalized", () -> {
            ingest("invoice.finalized", "each one queues render + store + email", knobs.finalizedRequests());
            printMemory("end of invoice.finalized ingest (backlog in memory)");
        });
        phase("drain", () -> drain("invoice.finalized backlog", knobs.drainSeconds(), true));
        TestComponents.mailbox().clear();
        phase("webhook-to-email", this::endToEnd);
        printMemory("end");
        memory.stop();
        memory.print();
        printResidentMemory();
        phase("ready-time", this::readyTime);
    }

    /** An event type no handler takes: verified, parsed and stored as ignored, nothing else. */
    static final String PURE_INTAKE_TYPE = "payout.paid";

    private ServerProfiler profiler = ServerProfiler.NONE;

    private void phase(String name, Runnable body) {
        String load;
        try {
            load = String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (IOException | RuntimeException e) {
            load = "?";
        }
        System.out.printf(Locale.ROOT, "%n[phase %s: starts %s, load average %s (1/5/15 min)]%n", name,
                java.time.LocalTime.now(java.time.ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS) + " UTC", load);
        profiler.begin(name);
        try {
            body.run();
        } catch (RuntimeException | Error e) {
            System.out.println("!! phase '" + name + "' could not be measured: " + e);
            e.printStackTrace(System.out);
        } finally {
            profiler.end(name);
        }
    }

    // --- Ingest ---

    /** Returns whether the worker accepted the warm-up events. */
    private boolean warmUp() {
        // Warm-up invoices drained before anything is measured, so the renderer, bucket and mail
        // clients are loaded and compiled once. C2 keeps compiling during the drain all the same
        // (13 ms of each drained invoice's 34 ms after 100 or after 400): the drain prints that
        // share apart instead of hiding it.
        int invoices = Integer.getInteger("bench.warmup.invoices", 400);
        System.out.printf(Locale.ROOT, "%n-- warm-up: %d %s + %d invoice.finalized, %d senders --%n",
                knobs.warmupRequests(), PURE_INTAKE_TYPE, invoices, knobs.concurrency());
        CpuMeter.Sample before = cpu.sample();
        Load refunds = load(bodies(PURE_INTAKE_TYPE, knobs.warmupRequests()), 120);
        Load finalized = load(bodies("invoice.finalized", invoices), Math.max(120, invoices / 20));
        System.out.printf(Locale.ROOT, "warm-up answered %d + %d requests (%d not 200)%n", refunds.completed(),
                finalized.completed(), refunds.notOk() + finalized.notOk());
        refunds.printFirstFailure();
        finalized.printFirstFailure();
        drain("warm-up work", Math.max(120, invoices / 10), false); // a long warm-up drains at about 35/s
        CpuMeter.Sample after = cpu.sample();
        System.out.printf(Locale.ROOT, "warm-up: server JVM %.1f s CPU, of which the JIT compiler threads %.1f s%n",
                after.server() - before.server(), after.jit() - before.jit());
        return refunds.statuses().getOrDefault(200, 0) > 0 && finalized.statuses().getOrDefault(200, 0) > 0;
    }

    private void ingest(String type, String what, int count) {
        List<byte[]> bodies = bodies(type, count);
        System.out.printf(Locale.ROOT, "%n-- webhook ingest, %s (%s) --%n", type, what);
        System.out.printf(Locale.ROOT, "%d senders on loopback, at most %d requests or %d s, signed at send time, body %.1f KiB%n",
                knobs.concurrency(), count, knobs.ingestSeconds(), bodies.get(0).length / 1024.0);
        CpuMeter.Sample before = cpu.sample();
        Load load = load(bodies, knobs.ingestSeconds());
        CpuMeter.Sample after = cpu.sample();
        Histogram h = load.latencies();
        System.out.printf(Locale.ROOT, "requests %d in %.2f s%s  →  throughput %.0f req/s%n", load.completed(),
                seconds(load.wallNanos()), load.timedOut() ? " (stopped by the time bound)" : "",
                load.completed() / seconds(load.wallNanos()));
        System.out.printf(Locale.ROOT, "latency  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s%n",
                ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
        System.out.printf(Locale.ROOT, "answers  %s; not 200: %d; transport errors: %d%n", load.statuses(),
                load.notOk(), load.errors());
        load.printFirstFailure();
        cpu.print(before, after, load.completed(), "request");
        if (type.equals("invoice.finalized")) {
            long pending = pendingWork();
            long done = countWork("done");
            System.out.printf(Locale.ROOT, "at the end of ingest: %d work items pending or running, %d done while ingest ran%n",
                    pending, done - load.doneBefore());
        }
    }

    /** Event bodies with unique event and invoice ids, built before the clock starts. */
    private static List<byte[]> bodies(String type, int count) {
        Fixtures.FinalizedInvoice base = Fixtures.invoiceFinalized()
                .type(type)
                .customerEmail(INGEST_ADDRESS)
                .line("Growth plan (monthly)", 1, 49_900)
                .build();
        String json = base.eventJson();
        List<byte[]> bodies = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            // Both ids are random and appear nowhere else, so a textual replace is exact.
            String unique = json.replace(base.eventId(), Fixtures.stripeId("evt_", 24))
                    .replace(base.invoiceId(), Fixtures.stripeId("in_", 24));
            bodies.add(unique.getBytes(StandardCharsets.UTF_8));
        }
        return bodies;
    }

    record Load(int completed, long wallNanos, boolean timedOut, Histogram latencies, Map<Integer, Integer> statuses,
                int errors, long doneBefore, String firstFailure) {
        int notOk() {
            return statuses.entrySet().stream().filter(e -> e.getKey() != 200).mapToInt(Map.Entry::getValue).sum() + errors;
        }

        void printFirstFailure() {
            if (firstFailure != null) {
                System.out.println("first failure: " + firstFailure);
            }
        }
    }

    /** Sends every body (or as many as fit in {@code maxSeconds}) from {@code concurrency} threads. */
    private Load load(List<byte[]> bodies, int maxSeconds) {
        long doneBefore = countWork("done");
        int senders = Math.max(1, knobs.concurrency());
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicLong lastEnd = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        List<Histogram> histograms = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        long[] deadline = new long[1];
        for (int t = 0; t < senders; t++) {
            Histogram histogram = new Histogram(HISTOGRAM_MAX_MICROS, 3);
            histograms.add(histogram);
            threads.add(daemon("bench-sender-" + t, () -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                while (true) {
                    int i = next.getAndIncrement();
                    if (i >= bodies.size() || System.nanoTime() >= deadline[0]) {
                        break;
                    }
                    byte[] body = bodies.get(i);
                    HttpRequest request = signedWebhook(body);
                    long sent = System.nanoTime();
                    try {
                        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                        long micros = (System.nanoTime() - sent) / 1000;
                        histogram.recordValue(Math.min(micros, HISTOGRAM_MAX_MICROS));
                        statuses.merge(response.statusCode(), 1, Integer::sum);
                        if (response.statusCode() != 200) {
                            firstFailure.compareAndSet(null, response.statusCode() + " " + abbreviate(response.body()));
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                        firstFailure.compareAndSet(null, e.toString());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                    lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
                }
            }));
        }
        long start = System.nanoTime();
        deadline[0] = start + Duration.ofSeconds(maxSeconds).toNanos();
        go.countDown();
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        Histogram all = new Histogram(HISTOGRAM_MAX_MICROS, 3);
        histograms.forEach(all::add);
        int completed = (int) all.getTotalCount() + errors.get();
        long wall = Math.max(1, lastEnd.get() - start);
        boolean timedOut = Math.min(next.get(), bodies.size()) < bodies.size() || completed < bodies.size();
        return new Load(completed, wall, timedOut, all, new TreeMap<>(statuses), errors.get(), doneBefore,
                firstFailure.get());
    }

    // --- Pure intake at fixed offered rates (open loop) ---

    /**
     * Posts {@link #PURE_INTAKE_TYPE} events at each fixed rate for a set time, open loop: request i
     * leaves at start + i/rate whatever happened to the earlier ones, and its latency counts from that
     * scheduled time (so a stall of the server or of this sender shows in the latency instead of
     * quietly lowering the load). Each rate is run unmeasured for a few seconds first.
     */
    private void intakeAtFixedRates() {
        System.out.printf(Locale.ROOT, "%n-- pure intake (%s: verify, parse, store as ignored) at fixed offered rates, open loop --%n",
                PURE_INTAKE_TYPE);
        CpuMeter.Sample idleStart = cpu.sample();
        sleep(5000);
        CpuMeter.Sample idleEnd = cpu.sample();
        double idleWall = seconds(idleEnd.wallNanos() - idleStart.wallNanos());
        double idleServerPerSecond = (idleEnd.server() - idleStart.server()) / idleWall;
        System.out.printf(Locale.ROOT, "server JVM idle: %.1f ms CPU per second (timers, GC, JIT leftovers), measured over %.0f s;"
                + " \"above idle\" subtracts it%n", 1000 * idleServerPerSecond, idleWall);
        System.out.printf(Locale.ROOT, "%8s %6s %9s | %8s %8s %8s %8s %8s | %6s | %10s %10s %10s %10s %10s | %s%n",
                "offered", "sent", "answered", "p50", "p90", "p99", "p99.9", "max", "not200",
                "server CPU", "above idle", "JIT", "PostgreSQL", "bench JVM", "load (1 min)");
        for (int rate : knobs.intakeRates()) {
            openLoop(rate, 3);
            OpenLoopResult r = openLoop(rate, knobs.intakeRateSeconds());
            double wall = seconds(r.after().wallNanos() - r.before().wallNanos());
            double server = r.after().server() - r.before().server();
            double postgres = r.after().postgres() - r.before().postgres();
            double self = r.after().self() - r.before().self();
            double jit = r.after().jit() - r.before().jit();
            long answered = r.latencies().getTotalCount();
            double perRequest = answered == 0 ? Double.NaN : 1000 * server / answered;
            double aboveIdle = answered == 0 ? Double.NaN : 1000 * (server - idleServerPerSecond * wall) / answered;
            Histogram h = r.latencies();
            System.out.printf(Locale.ROOT, "%5d/s %6d %7.0f/s | %8s %8s %8s %8s %8s | %6d | %7.2f ms %7.2f ms %7.2f ms %7.2f ms %7.2f ms | %s%s%n",
                    rate, r.sent(), answered / Math.max(r.sendSeconds(), 0.001),
                    ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                    ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()), r.notOk(),
                    perRequest, aboveIdle, answered == 0 ? Double.NaN : 1000 * jit / answered,
                    answered == 0 ? Double.NaN : 1000 * postgres / answered,
                    answered == 0 ? Double.NaN : 1000 * self / answered, loadAverage(),
                    r.maxSendLagMicros() > 5_000 ? String.format(Locale.ROOT, " (sender fell behind by up to %s)", ms(r.maxSendLagMicros())) : "");
            if (r.firstFailure() != null) {
                System.out.println("  first failure: " + r.firstFailure());
            }
        }
        System.out.println("latency: from the scheduled send time to the whole answer (includes any wait for a connection);"
                + " CPU: per answered request over the measured window; JIT: the part of the server's CPU spent compiling"
                + " (included in server CPU)");
    }

    record OpenLoopResult(int sent, double sendSeconds, Histogram latencies, int notOk, long maxSendLagMicros,
                          String firstFailure, CpuMeter.Sample before, CpuMeter.Sample after) {
    }

    private OpenLoopResult openLoop(int rate, int seconds) {
        List<byte[]> bodies = bodies(PURE_INTAKE_TYPE, Math.max(1, rate * seconds));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        ConcurrentHistogram latencies = new ConcurrentHistogram(HISTOGRAM_MAX_MICROS, 3);
        AtomicInteger notOk = new AtomicInteger();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        List<CompletableFuture<Void>> inFlight = new ArrayList<>(bodies.size());
        long period = 1_000_000_000L / rate;
        long maxLag = 0;
        CpuMeter.Sample before = cpu.sample();
        long start = System.nanoTime();
        for (int i = 0; i < bodies.size(); i++) {
            long scheduled = start + i * period;
            long now;
            while ((now = System.nanoTime()) < scheduled) {
                LockSupport.parkNanos(scheduled - now);
            }
            maxLag = Math.max(maxLag, (now - scheduled) / 1000);
            byte[] body = bodies.get(i);
            HttpRequest request = signedWebhook(body);
            inFlight.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
                latencies.recordValue(Math.min((System.nanoTime() - scheduled) / 1000, HISTOGRAM_MAX_MICROS));
                if (error != null || response.statusCode() != 200) {
                    notOk.incrementAndGet();
                    firstFailure.compareAndSet(null, error != null ? error.toString()
                            : response.statusCode() + " " + abbreviate(response.body()));
                }
                return null;
            }));
        }
        double sendSeconds = seconds(System.nanoTime() - start);
        try {
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            firstFailure.compareAndSet(null, "not all answers within 60 s: " + e);
        }
        CpuMeter.Sample after = cpu.sample();
        return new OpenLoopResult(bodies.size(), sendSeconds, latencies, notOk.get(), maxLag, firstFailure.get(), before, after);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    // --- Server ready time ---

    /**
     * Stops the server and times {@code server start} until {@code /health/ready} answers 200
     * (polled every 50 ms), with the database already migrated, as in a rolling restart.
     */
    private void readyTime() {
        System.out.printf(Locale.ROOT, "%n-- server ready time: `server start` until /health/ready answers 200 (polled every 50 ms) --%n");
        HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        URI ready = URI.create(BillingServer.url(BillingServer.READY_PATH));
        for (int i = 0; i < knobs.readySamples(); i++) {
            BillingServer.stopServer();
            String load = loadAverage();
            AtomicLong readyAt = new AtomicLong();
            long start = System.nanoTime();
            Thread poller = daemon("bench-ready-probe", () -> {
                long deadline = start + Duration.ofSeconds(240).toNanos();
                while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
                    try {
                        HttpResponse<Void> answer = probe.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).GET().build(),
                                HttpResponse.BodyHandlers.discarding());
                        if (answer.statusCode() == 200) {
                            readyAt.set(System.nanoTime());
                            return;
                        }
                    } catch (IOException e) {
                        // not listening yet
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (!paused(50)) {
                        return;
                    }
                }
            });
            BillingServer.startServer();
            long scriptDone = System.nanoTime();
            try {
                poller.join(Duration.ofSeconds(240).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            System.out.printf(Locale.ROOT, "start %d: ready after %.1f s (`server start` returned after %.1f s); load %s at the stop%n",
                    i + 1, readyAt.get() == 0 ? Double.NaN : seconds(readyAt.get() - start), seconds(scriptDone - start), load);
        }
    }

    // --- Background work ---

    private long pendingWork() {
        return TestComponents.db().count("SELECT COUNT(*) FROM work_item WHERE state IN ('pending', 'running')");
    }

    private long countWork(String state) {
        return TestComponents.db().count("SELECT COUNT(*) FROM work_item WHERE state = ?", state);
    }

    /** Waits (bounded) until no work item is pending or running; prints how long it took and the rate. */
    private void drain(String what, int maxSeconds, boolean report) {
        long pendingAtStart = pendingWork();
        long doneAtStart = countWork("done");
        CpuMeter.Sample before = cpu.sample();
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(maxSeconds).toNanos();
        long pending = pendingAtStart;
        while (pending > 0 && System.nanoTime() < deadline) {
            sleep(250);
            pending = pendingWork();
        }
        double took = seconds(System.nanoTime() - start);
        CpuMeter.Sample after = cpu.sample();
        long worked = countWork("done") - doneAtStart;
        if (!report) {
            System.out.printf(Locale.ROOT, "%s: %d items drained in %.1f s%s%n", what, pendingAtStart - pending, took,
                    pending > 0 ? " — " + pending + " STILL PENDING (bound reached)" : "");
            return;
        }
        System.out.printf(Locale.ROOT, "%n-- drain of the %s (render + store + email, RENDER_CONCURRENCY=%s, WORK_CONCURRENCY=%s) --%n",
                what, BillingServer.env("RENDER_CONCURRENCY"), workConcurrency());
        System.out.printf(Locale.ROOT, "%d items pending at start; %d done in %.1f s → %.1f invoices/s%s%n", pendingAtStart,
                worked, took, worked / Math.max(took, 0.001),
                pending > 0 ? "; " + pending + " STILL PENDING after the " + maxSeconds + " s bound (the next phase is skewed)" : "");
        cpu.print(before, after, worked, "invoice");
        long failed = countWork("failed");
        long sent = TestComponents.db().count("SELECT COUNT(*) FROM email_delivery WHERE status = 'sent'");
        System.out.printf(Locale.ROOT, "work items failed so far: %d; invoice emails recorded as sent so far: %d%n", failed, sent);
    }

    // --- Signed webhook → email accepted ---

    record Sample(long ackMicros, long mailMicros, long renderMs, long toPdfMicros, long pdfToMailMicros, int pages) {
    }

    private void endToEnd() {
        System.out.printf(Locale.ROOT, "%n-- signed webhook → email accepted by SMTP (one at a time, GreenMail polled every 5 ms) --%n");
        System.out.println("ack: the 200 answer. email: until GreenMail holds the message (PDF attached).");
        System.out.println("server side, from the worker's own records: render = pdf_rendered render_ms;"
                + " stored→pdf = event stored until PDF stored (queue pickup, load, render, bucket PUT);"
                + " pdf→mail = PDF stored until email_sent recorded (bucket GET, email render, SMTP).");
        System.out.printf(Locale.ROOT, "%-18s %4s %6s | %8s %8s %8s %8s | %7s %11s %10s %5s%n", "invoice", "n", "ack p50",
                "email p50", "p90", "max", "min", "render", "stored→pdf", "pdf→mail", "pages");
        endToEnd("1 line", 1, knobs.e2eWarmups(), knobs.e2eSamples());
        endToEnd("50 lines", 50, knobs.e2eWarmups(), knobs.e2eSamples());
        if (knobs.largeSamples() > 0) {
            endToEnd(String.format(Locale.ROOT, "%,d lines", knobs.largeLines()), knobs.largeLines(), 1, knobs.largeSamples());
        }
    }

    private void endToEnd(String name, int lines, int warmups, int samples) {
        List<Sample> measured = new ArrayList<>();
        int lostInARow = 0;
        for (int i = 0; i < warmups + samples && lostInARow < 3; i++) {
            Sample sample = oneInvoice(lines);
            lostInARow = sample == null ? lostInARow + 1 : 0;
            if (i >= warmups && sample != null) {
                measured.add(sample);
            }
        }
        if (measured.isEmpty()) {
            System.out.printf(Locale.ROOT, "%-18s no sample completed%n", name);
            return;
        }
        Histogram ack = new Histogram(HISTOGRAM_MAX_MICROS, 3);
        Histogram mail = new Histogram(HISTOGRAM_MAX_MICROS, 3);
        measured.forEach(s -> {
            ack.recordValue(Math.min(s.ackMicros(), HISTOGRAM_MAX_MICROS));
            mail.recordValue(Math.min(s.mailMicros(), HISTOGRAM_MAX_MICROS));
        });
        System.out.printf(Locale.ROOT, "%-18s %4d %7s | %8s %8s %8s %8s | %7s %11s %10s %5d%n", name, measured.size(),
                ms(ack.getValueAtPercentile(50)), ms(mail.getValueAtPercentile(50)), ms(mail.getValueAtPercentile(90)),
                ms(mail.getMaxValue()), ms(mail.getMinValue()),
                median(measured.stream().mapToLong(Sample::renderMs).map(v -> v * 1000)),
                median(measured.stream().mapToLong(Sample::toPdfMicros)),
                median(measured.stream().mapToLong(Sample::pdfToMailMicros)),
                measured.get(measured.size() - 1).pages());
    }

    /** Posts one invoice.finalized and waits for its email; null if it did not arrive within 120 s. */
    private Sample oneInvoice(int lines) {
        Db db = TestComponents.db();
        Mailbox mailbox = TestComponents.mailbox();
        String address = "e2e-" + Fixtures.stripeId("", 10).toLowerCase(Locale.ROOT) + "@bench.example";
        Fixtures.FinalizedInvoice invoice = Fixtures.invoiceFinalized().customerEmail(address).lines(lines).build();
        if (lines > 10) {
            // The event embeds the first 10 lines, as Stripe does; the worker pages the rest from the stand-in.
            StripeApiStub stripe = TestComponents.stripe();
            stripe.stubInvoice(invoice, 100);
        }
        mailbox.clear(); // polling copies every stored message: keep the inbox empty
        byte[] body = invoice.eventBytes();
        HttpRequest request = signedWebhook(body);
        long start = System.nanoTime();
        int status;
        try {
            status = http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException e) {
            System.out.println("  (sample lost: " + e + ")");
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        long acked = System.nanoTime();
        if (status != 200) {
            System.out.println("  (sample lost: answer " + status + ")");
            return null;
        }
        long deadline = start + Duration.ofSeconds(120).toNanos();
        while (mailbox.countTo(address) < 1) {
            if (System.nanoTime() > deadline) {
                System.out.println("  (sample lost: no email within 120 s for " + invoice.invoiceId() + ")");
                return null;
            }
            sleep(5);
        }
        long mailed = System.nanoTime();
        // The work item finishes after the email; let it, so samples do not overlap.
        long finishDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (db.count("SELECT COUNT(*) FROM work_item WHERE event_id = ? AND state = 'done'", invoice.eventId()) == 0
                && System.nanoTime() < finishDeadline) {
            sleep(5);
        }
        return serverSide(db, invoice, (acked - start) / 1000, (mailed - start) / 1000);
    }

    private static Sample serverSide(Db db, Fixtures.FinalizedInvoice invoice, long ackMicros, long mailMicros) {
        LocalDateTime stored = timestamp(db, "SELECT received_at FROM stripe_event WHERE event_id = ?", invoice.eventId());
        List<Map<String, Object>> rendered = db.rows("SELECT occurred_at, detail FROM operational_event "
                + "WHERE event_type = 'pdf_rendered' AND stripe_invoice_id = ? ORDER BY id", invoice.invoiceId());
        LocalDateTime mailedAt = timestamp(db, "SELECT MAX(occurred_at) FROM operational_event "
                + "WHERE event_type = 'email_sent' AND stripe_invoice_id = ?", invoice.invoiceId());
        long renderMs = -1;
        int pages = -1;
        LocalDateTime pdfAt = null;
        if (!rendered.isEmpty()) {
            String detail = String.valueOf(rendered.get(0).get("detail"));
            renderMs = group(RENDER_MS, detail).orElse(-1);
            pages = (int) group(PAGES, detail).orElse(-1);
            pdfAt = toLocal(rendered.get(0).get("occurred_at"));
        }
        return new Sample(ackMicros, mailMicros, renderMs, micros(stored, pdfAt), micros(pdfAt, mailedAt), pages);
    }

    private static OptionalLong group(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    private static LocalDateTime timestamp(Db db, String sql, Object arg) {
        List<Map<String, Object>> rows = db.rows(sql, arg);
        return rows.isEmpty() ? null : toLocal(rows.get(0).values().iterator().next());
    }

    private static LocalDateTime toLocal(Object value) {
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toLocalDateTime();
        }
        return value instanceof LocalDateTime ldt ? ldt : null;
    }

    private static long micros(LocalDateTime from, LocalDateTime to) {
        return from == null || to == null ? -1 : ChronoUnit.MICROS.between(from, to);
    }

    private static String median(java.util.stream.LongStream values) {
        long[] sorted = values.filter(v -> v >= 0).sorted().toArray();
        return sorted.length == 0 ? "n/a" : ms(sorted[(sorted.length - 1) / 2]);
    }

    // --- Memory ---

    private void printMemory(String when) {
        Map<String, Double> metrics = baseMetrics();
        Double used = metrics.get("memory_usedHeap_bytes");
        Double committed = metrics.get("memory_committedHeap_bytes");
        Double max = metrics.get("memory_maxHeap_bytes");
        if (used == null) {
            System.out.printf(Locale.ROOT, "%nserver heap (%s): not available from /metrics?scope=base%n", when);
            return;
        }
        System.out.printf(Locale.ROOT, "%nserver heap (%s): used %.0f MiB, committed %s MiB, max %s MiB (/metrics, mpMetrics)%n",
                when, used / (1 << 20), committed == null ? "?" : String.format(Locale.ROOT, "%.0f", committed / (1 << 20)),
                max == null ? "?" : String.format(Locale.ROOT, "%.0f", max / (1 << 20)));
    }

    /** Base-scope metrics in Prometheus text, name (without labels) to value; empty if unavailable. */
    private Map<String, Double> baseMetrics() {
        Map<String, Double> values = new TreeMap<>();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(BillingServer.baseUrl() + "/metrics?scope=base"))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return values;
            }
            for (String line : response.body().split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int space = line.lastIndexOf(' ');
                String name = line.substring(0, space);
                int brace = name.indexOf('{');
                if (brace >= 0) {
                    name = name.substring(0, brace);
                }
                try {
                    values.put(name, Double.parseDouble(line.substring(space + 1).trim()));
                } catch (NumberFormatException ignored) {
                    // not a sample line
                }
            }
        } catch (IOException | RuntimeException e) {
            return values;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return values;
    }

    private void printResidentMemory() {
        Optional<ProcessHandle> server = cpu.server();
        if (server.isEmpty()) {
            return;
        }
        Path status = Path.of("/proc", Long.toString(server.get().pid()), "status");
        try {
            String rss = "?";
            String peak = "?";
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    rss = line.substring(6).trim();
                } else if (line.startsWith("VmHWM:")) {
                    peak = line.substring(6).trim();
                }
            }
            System.out.printf(Locale.ROOT, "server JVM resident memory: now %s, peak %s (-Xmx512m from liberty/jvm.options)%n", rss, peak);
        } catch (IOException e) {
            // not Linux: no /proc
        }
    }

    // --- Memory peaks over the whole run ---

    /**
     * The server's peak heap from its GC log, and its resident memory sampled from /proc four times a
     * second from start to the end of the measured phases (asking the server itself, /metrics, would
     * add to the CPU being measured); the kernel's own high-water mark (VmHWM) is printed beside it.
     */
    private static final class MemoryPeaks {
        private volatile boolean running;
        private Thread sampler;
        private final AtomicLong rssPeakKb = new AtomicLong();
        private Optional<ProcessHandle> server = Optional.empty();

        void start(Optional<ProcessHandle> server) {
            this.server = server;
            running = true;
            sampler = daemon("bench-memory-sampler", () -> {
                while (running) {
                    statusKb("VmRSS:").ifPresent(kb -> rssPeakKb.accumulateAndGet(kb, Math::max));
                    if (!paused(250)) {
                        return;
                    }
                }
            });
        }

        /** The most heap in use before any collection, from the server's GC log: the true peak, at GC granularity. */
        private Optional<Long> heapPeakMiB() {
            if (server.isEmpty()) {
                return Optional.empty();
            }
            Path log = GC_LOG_DIR.resolve("gc-" + server.get().pid() + ".log");
            try (Stream<String> lines = Files.lines(log)) {
                return lines.map(GC_HEAP::matcher).filter(Matcher::find).map(m -> Long.parseLong(m.group(1)))
                        .max(Long::compare);
            } catch (IOException | UncheckedIOException e) {
                return Optional.empty();
            }
        }

        void stop() {
            running = false;
            if (sampler != null) {
                sampler.interrupt();
            }
        }

        void print() {
            System.out.printf(Locale.ROOT, "%npeak over every phase above: server heap in use %s (the most before any"
                            + " collection, from its GC log; -Xmx512m), resident %.0f MiB (sampled 4×/s), %s (kernel high-water mark, VmHWM)%n",
                    heapPeakMiB().map(m -> m + " MiB").orElse("?"), rssPeakKb.get() / 1024.0,
                    statusKb("VmHWM:").map(kb -> String.format(Locale.ROOT, "%.0f MiB", kb / 1024.0)).orElse("?"));
        }

        private Optional<Long> statusKb(String field) {
            if (server.isEmpty()) {
                return Optional.empty();
            }
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(server.get().pid()), "status"))) {
                    if (line.startsWith(field)) {
                        return Optional.of(Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]));
                    }
                }
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
            return Optional.empty();
        }
    }

    // --- Profiling the server (optional) ---

    /**
     * With {@code -Dbench.server.profile=DIR}, one Java Flight Recorder recording of the server per
     * phase ({@code DIR/<phase>.jfr}, JFR's {@code profile} settings), started and stopped with
     * {@code jcmd}, so each phase's profile holds that phase alone. Read them with
     * {@code JfrHotspots} (scripts/bench-profile.sh) or JDK Mission Control.
     */
    private static class ServerProfiler {
        static final ServerProfiler NONE = new ServerProfiler(null, 0);

        private final Path dir;
        private final long pid;

        private ServerProfiler(Path dir, long pid) {
            this.dir = dir;
            this.pid = pid;
        }

        static ServerProfiler of(String dir, Optional<ProcessHandle> server) {
            if (dir.isEmpty() || server.isEmpty()) {
                return NONE;
            }
            try {
                Files.createDirectories(Path.of(dir));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ServerProfiler profiler = new ServerProfiler(Path.of(dir).toAbsolutePath(), server.get().pid());
            // deeper stacks than JFR's default 64 frames: EE call chains are long
            profiler.jcmd("JFR.configure", "stackdepth=256");
            System.out.println("profiling the server per phase into " + profiler.dir);
            return profiler;
        }

        void begin(String phase) {
            if (dir != null) {
                jcmd("JFR.start", "name=" + phase, "settings=profile");
            }
        }

        void end(String phase) {
            if (dir != null) {
                jcmd("JFR.stop", "name=" + phase, "filename=" + dir.resolve(phase + ".jfr"));
            }
        }

        private void jcmd(String... command) {
            List<String> args = new ArrayList<>();
            args.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
            args.add(Long.toString(pid));
            args.addAll(List.of(command));
            try {
                Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    System.out.println("(jcmd " + String.join(" ", command) + " failed: " + abbreviate(output) + ")");
                }
            } catch (IOException e) {
                System.out.println("(jcmd " + String.join(" ", command) + " failed: " + e + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // --- CPU accounting ---

    /**
     * CPU time per process group between two samples: the server JVM, PostgreSQL (postmaster and its
     * backends), this JVM (load generator, GreenMail, s3proxy, WireMock) and the machine as a whole
     * from /proc/stat (so "other" shows what else ran on a shared machine).
     */
    private static final class CpuMeter {
        private static final double JIFFY = 0.01; // USER_HZ is 100 on Linux

        /** CPU seconds so far; {@code jit} is the part of {@code server} spent in its C1/C2 compiler threads. */
        record Sample(long wallNanos, double server, double postgres, double self, double machineBusy, double jit) {
        }

        private Optional<ProcessHandle> server = Optional.empty();
        private Optional<ProcessHandle> postmaster = Optional.empty();

        void locate() {
            Path pidFile = BillingServer.serverDir().getParent().resolve(".pid")
                    .resolve(BillingServer.serverDir().getFileName() + ".pid");
            try {
                server = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()));
            } catch (IOException | NumberFormatException e) {
                server = Optional.empty();
            }
            String port = "-p " + TestComponents.db().port();
            postmaster = ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().map(c -> c.contains("postgres") && (c.contains(port + " ") || c.endsWith(port))).orElse(false))
                    .findFirst();
        }

        Optional<ProcessHandle> server() {
            return server;
        }

        Sample sample() {
            return new Sample(System.nanoTime(), cpuSeconds(server.stream()),
                    cpuSeconds(postmaster.stream().flatMap(p -> Stream.concat(Stream.of(p), p.descendants()))),
                    cpuSeconds(Stream.of(ProcessHandle.current())), machineBusySeconds(), compilerThreadSeconds());
        }

        /**
         * CPU of the server's JIT compiler threads (Linux names them "C1 CompilerThre…"/"C2 …"), from
         * /proc: what a phase's server CPU owes to compiling rather than to the requests. Threads the
         * JVM retired meanwhile drop out of the sum, so this is a lower bound.
         */
        private double compilerThreadSeconds() {
            if (server.isEmpty()) {
                return Double.NaN;
            }
            Path tasks = Path.of("/proc", Long.toString(server.get().pid()), "task");
            long ticks = 0;
            try (Stream<Path> threads = Files.list(tasks)) {
                for (Path thread : threads.toList()) {
                    try {
                        if (!Files.readString(thread.resolve("comm")).matches("(?s)C[12] Compiler.*")) {
                            continue;
                        }
                        String stat = Files.readString(thread.resolve("stat"));
                        // fields after the ")" that closes the thread name: utime and stime are the 12th and 13th
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    } catch (IOException | RuntimeException gone) {
                        // the thread ended between the listing and the read
                    }
                }
            } catch (IOException | RuntimeException e) {
                return Double.NaN;
            }
            return ticks * JIFFY;
        }

        void print(Sample before, Sample after, long units, String unit) {
            double wall = seconds(after.wallNanos() - before.wallNanos());
            double server = after.server() - before.server();
            double postgres = after.postgres() - before.postgres();
            double self = after.self() - before.self();
            double machine = after.machineBusy() - before.machineBusy();
            int cores = Runtime.getRuntime().availableProcessors();
            double other = Math.max(0, machine - server - postgres - self);
            System.out.printf(Locale.ROOT, "CPU in %.1f s on %d cores: machine %.0f%% busy; server JVM %.1f s, PostgreSQL %.1f s,"
                            + " bench JVM (senders+stubs) %.1f s, other %.1f s%n", wall, cores,
                    100 * machine / Math.max(wall * cores, 0.001), server, postgres, self, other);
            double jit = after.jit() - before.jit();
            if (units > 0) {
                System.out.printf(Locale.ROOT, "  per %s: server %.2f ms CPU (of which JIT compiling %.2f ms), PostgreSQL %.2f ms,"
                                + " bench JVM %.2f ms%n", unit,
                        1000 * server / units, 1000 * jit / units, 1000 * postgres / units, 1000 * self / units);
            }
        }

        private static double cpuSeconds(Stream<ProcessHandle> processes) {
            return processes.map(p -> p.info().totalCpuDuration().orElse(Duration.ZERO))
                    .mapToLong(Duration::toNanos).sum() / 1e9;
        }

        private static double machineBusySeconds() {
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long busy = 0;
                for (int i = 1; i < f.length && i <= 8; i++) {
                    if (i != 4 && i != 5) { // idle, iowait
                        busy += Long.parseLong(f[i]);
                    }
                }
                return busy * JIFFY;
            } catch (IOException | RuntimeException e) {
                return Double.NaN;
            }
        }
    }

    // --- Formatting ---

    private static String ms(long micros) {
        if (micros < 0) {
            return "n/a";
        }
        return micros < 10_000 ? String.format(Locale.ROOT, "%.2f ms", micros / 1000.0)
                : String.format(Locale.ROOT, "%.0f ms", micros / 1000.0);
    }

    private static String abbreviate(String text) {
        String oneLine = text == null ? "" : text.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "…";
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** The webhook POST Stripe would send with this event body, signed with the server's current secret. */
    private HttpRequest signedWebhook(byte[] body) {
        return HttpRequest.newBuilder(webhookUri)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Stripe-Signature", signer.header(body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    /** A started daemon thread: no benchmark thread keeps the JVM alive after main. */
    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Sleeps; false when interrupted, which ends the polling loop that asked. */
    private static boolean paused(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

}
