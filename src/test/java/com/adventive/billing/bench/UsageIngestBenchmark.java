package com.adventive.billing.bench;

import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.MeterEventStub;
import com.adventive.billing.it.support.TestComponents;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code POST /usage} against the real worker (Open Liberty, PostgreSQL, WireMock as Stripe):
 * ingest throughput and latency per batch of 1,000 records, then how fast the stored records are
 * reported to the stand-in as meter events (paced by USAGE_REPORT_RATE). Prints figures; never
 * passes or fails on them.
 *
 * <p>Knobs (system properties): bench.usage.batches (200), bench.usage.warmup (30),
 * bench.usage.clients (2: concurrent callers), bench.usage.accounts (50),
 * bench.usage.report.rate (the worker's USAGE_REPORT_RATE; unset: its default),
 * bench.usage.report.seconds (30: how long the reporting rate is watched),
 * bench.usage.report.during.ingest (false: reporting is slowed to 1 event/s during the warm-up and
 * the ingest, so the ingest's CPU figures are the ingest's own; true: it runs at its rate alongside),
 * bench.usage.profile (a directory: a JFR recording of the server during the measured ingest,
 * {@code ingest.jfr}, for {@link UsageIngestHotspots}; unset: none).
 */
public final class UsageIngestBenchmark {

    private static final int BATCH = 1_000;
    private static final long HISTOGRAM_MAX_MICROS = 120_000_000L;

    private final int batches = Integer.getInteger("bench.usage.batches", 200);
    private final int warmup = Integer.getInteger("bench.usage.warmup", 30);
    private final int clients = Integer.getInteger("bench.usage.clients", 2);
    private final int accounts = Integer.getInteger("bench.usage.accounts", 50);
    private final String reportRate = System.getProperty("bench.usage.report.rate");
    private final int reportSeconds = Integer.getInteger("bench.usage.report.seconds", 30);
    private final boolean reportDuringIngest = Boolean.getBoolean("bench.usage.report.during.ingest");
    private final String profileDir = System.getProperty("bench.usage.profile", "").trim();

    private final String clientId = "bench-usage.access";
    private final String secret = UUID.randomUUID().toString();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<String> accountIds = new ArrayList<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private final String period = YearMonth.now(ZoneOffset.UTC).toString();

    public static void main(String[] args) throws Exception {
        UsageIngestBenchmark bench = new UsageIngestBenchmark();
        System.out.println("== Usage ingest benchmark (POST /usage, batches of 1,000; real worker; components on loopback) ==");
        System.out.printf(Locale.ROOT, "knobs: batches=%d warmup=%d clients=%d accounts=%d report.rate=%s report.seconds=%d"
                        + " report.during.ingest=%s%n", bench.batches, bench.warmup, bench.clients, bench.accounts,
                bench.reportRate == null ? "(worker default)" : bench.reportRate, bench.reportSeconds, bench.reportDuringIngest);
        long start = System.nanoTime();
        BenchEnvironment environment = BenchEnvironment.start(Map.of());
        boolean stopped = false;
        try {
            System.out.printf(Locale.ROOT, "components and server started in %.1f s (port %d)%n",
                    (System.nanoTime() - start) / 1e9, BillingServer.httpPort());
            bench.run();
        } finally {
            stopped = environment.stop();
        }
        if (!stopped) {
            System.exit(2);
        }
    }

    private void run() throws Exception {
        BillingServer.writeSecret("ADMIN_SERVICE_TOKENS", clientId + ":" + sha256(secret));
        // Each stored record is reported by background work that costs the worker far more CPU than
        // storing it (measured 2026-11-25: two thirds of the CPU during ingest); left at its pace it
        // would be counted as ingest. It is measured on its own after the ingest instead.
        reportAtRate(reportDuringIngest ? reportRate : "1");
        new MeterEventStub(TestComponents.stripe()).accepting();
        for (int i = 0; i < accounts; i++) {
            String acct = "acct_bench" + String.format(Locale.ROOT, "%06d", i);
            TestComponents.db().execute("INSERT INTO billing_account (acct_id, stripe_customer_id, billed_by, display_name, "
                    + "updated_at) VALUES (?, ?, 'stripe', 'Bench', CURRENT_TIMESTAMP)", acct, "cus_bench" + i);
            accountIds.add(acct);
        }
        System.out.println("load:    " + load() + " (1/5/15 min; other helpers share this machine)");

        System.out.printf(Locale.ROOT, "%n-- warm-up: %d batches --%n", warmup);
        ingest(warmup, 1);

        System.out.printf(Locale.ROOT, "%n-- ingest: %d batches of %,d records, %d concurrent callers --%n", batches, BATCH, clients);
        long reportedBefore = reported();
        double serverCpuBefore = cpuSeconds("ws-server");
        double postgresCpuBefore = cpuSeconds("postgres");
        if (!profileDir.isEmpty()) {
            Files.createDirectories(Path.of(profileDir));
            // deeper stacks than JFR's default 64 frames: EE call chains are long
            jcmd("JFR.configure", "stackdepth=256");
            jcmd("JFR.start", "name=usage-ingest", "settings=profile");
        }
        Result result = ingest(batches, clients);
        if (!profileDir.isEmpty()) {
            Path recording = Path.of(profileDir).toAbsolutePath().resolve("ingest.jfr");
            jcmd("JFR.stop", "name=usage-ingest", "filename=" + recording);
            System.out.println("profile:    " + recording);
        }
        double serverCpu = cpuSeconds("ws-server") - serverCpuBefore;
        double postgresCpu = cpuSeconds("postgres") - postgresCpuBefore;
        Histogram h = result.latencies();
        double seconds = result.wallNanos() / 1e9;
        System.out.printf(Locale.ROOT, "records:    %,d accepted of %,d sent in %.2f s%n", result.accepted(),
                (long) batches * BATCH, seconds);
        System.out.printf(Locale.ROOT, "throughput: %,.0f records/s (target 20,000)%n", result.accepted() / seconds);
        System.out.printf(Locale.ROOT, "per batch:  p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (target p99 < 250 ms)%n",
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3,
                h.getMaxValue() / 1e3);
        System.out.println("statuses:   " + result.statuses());
        System.out.printf(Locale.ROOT, "CPU:        worker %.1f s, PostgreSQL %.1f s for the run = %.1f ms + %.1f ms per batch of 1,000"
                        + " (on 2 otherwise idle cores that is about %,.0f records/s)%n", serverCpu, postgresCpu,
                serverCpu * 1000 / batches, postgresCpu * 1000 / batches,
                (serverCpu + postgresCpu) > 0 ? 2.0 * batches * BATCH / (serverCpu + postgresCpu) : 0.0);
        System.out.println("load:       " + load());

        System.out.printf(Locale.ROOT, "%n-- reporting to the stand-in (USAGE_REPORT_RATE=%s), watched for %d s --%n",
                reportRate == null ? "default" : reportRate, reportSeconds);
        reportAtRate(reportRate);
        long from = reported();
        double serverCpuFrom = cpuSeconds("ws-server");
        double postgresCpuFrom = cpuSeconds("postgres");
        long t0 = System.nanoTime();
        Thread.sleep(reportSeconds * 1000L);
        long to = reported();
        double watched = (System.nanoTime() - t0) / 1e9;
        double reportServerCpu = cpuSeconds("ws-server") - serverCpuFrom;
        double reportPostgresCpu = cpuSeconds("postgres") - postgresCpuFrom;
        System.out.printf(Locale.ROOT, "reported during ingest: %,d%s; then %,d in %.1f s = %.1f meter events/s "
                        + "(backlog still recorded: %,d)%n", from - reportedBefore,
                reportDuringIngest ? "" : " (slowed to 1/s meanwhile)", to - from, watched, (to - from) / watched,
                TestComponents.db().count("SELECT COUNT(*) FROM usage_record WHERE state = 'recorded'"));
        if (to > from) {
            System.out.printf(Locale.ROOT, "CPU:        worker %.1f s, PostgreSQL %.1f s = %.1f ms + %.1f ms per meter event "
                            + "reported (the stand-in's own CPU not counted)%n", reportServerCpu, reportPostgresCpu,
                    reportServerCpu * 1000 / (to - from), reportPostgresCpu * 1000 / (to - from));
        }
        System.out.println("load:       " + load());
    }

    /** The worker reads USAGE_REPORT_RATE on every use: null puts its default back. */
    private static void reportAtRate(String rate) {
        if (rate == null) {
            BillingServer.removeSecret("USAGE_REPORT_RATE");
        } else {
            BillingServer.writeSecret("USAGE_REPORT_RATE", rate);
        }
    }

    private long reported() {
        return TestComponents.db().count("SELECT COUNT(*) FROM usage_record WHERE state = 'reported'");
    }

    record Result(long accepted, long wallNanos, Histogram latencies, Map<Integer, Integer> statuses) {
    }

    private Result ingest(int count, int parallel) throws Exception {
        Histogram histogram = new Histogram(HISTOGRAM_MAX_MICROS, 3);
        Map<Integer, Integer> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        java.util.concurrent.atomic.AtomicLong accepted = new java.util.concurrent.atomic.AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        long start = System.nanoTime();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < parallel; c++) {
                running.add(pool.submit(() -> {
                    while (next.getAndIncrement() < count) {
                        String body = batch();
                        long t = System.nanoTime();
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(BillingServer.url("/usage")))
                                .timeout(Duration.ofSeconds(120))
                                .header("Content-Type", "application/json")
                                .header("CF-Access-Client-Id", clientId)
                                .header("CF-Access-Client-Secret", secret)
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                        long micros = (System.nanoTime() - t) / 1_000;
                        synchronized (histogram) {
                            histogram.recordValue(Math.min(micros, HISTOGRAM_MAX_MICROS));
                        }
                        statuses.merge(response.statusCode(), 1, Integer::sum);
                        int at = response.body().indexOf("\"accepted\":");
                        if (response.statusCode() == 200 && at >= 0) {
                            int end = at + 11;
                            while (end < response.body().length() && Character.isDigit(response.body().charAt(end))) {
                                end++;
                            }
                            accepted.addAndGet(Long.parseLong(response.body().substring(at + 11, end)));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new Result(accepted.get(), System.nanoTime() - start, histogram, statuses);
    }

    /** 1,000 distinct records spread over the accounts, as the metering pipeline sends them. */
    private String batch() {
        StringBuilder json = new StringBuilder(BATCH * 130).append("{\"records\":[");
        for (int i = 0; i < BATCH; i++) {
            int n = sequence.getAndIncrement();
            if (i > 0) {
                json.append(',');
            }
            json.append("{\"acct_id\":\"").append(accountIds.get(n % accountIds.size()))
                    .append("\",\"period\":\"").append(period)
                    .append("\",\"metric\":\"impressions\",\"quantity\":").append(1 + n % 5000)
                    .append(",\"source_id\":\"bench-").append(n).append("\"}");
        }
        return json.append("]}").toString();
    }

    /** Runs jcmd against the server JVM (for the JFR recording); a failure is printed, not thrown. */
    private static void jcmd(String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(serverPid())));
        args.addAll(List.of(command));
        Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            System.out.println("(jcmd " + String.join(" ", command) + " failed: " + output.strip() + ")");
        }
    }

    private static long serverPid() throws java.io.IOException {
        Path pidFile = BillingServer.serverDir().getParent().resolve(".pid")
                .resolve(BillingServer.serverDir().getFileName() + ".pid");
        return Long.parseLong(Files.readString(pidFile).trim());
    }

    /** CPU seconds used so far by this benchmark's worker ("ws-server") or its PostgreSQL with its backends. */
    private static double cpuSeconds(String which) {
        java.util.stream.Stream<ProcessHandle> processes;
        if ("ws-server".equals(which)) {
            try {
                processes = ProcessHandle.of(serverPid()).stream();
            } catch (Exception e) {
                return 0;
            }
        } else {
            String port = "-p " + TestComponents.db().port();
            processes = ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().map(c -> c.contains("postgres")
                            && (c.contains(port + " ") || c.endsWith(port))).orElse(false))
                    .limit(1)
                    .flatMap(p -> java.util.stream.Stream.concat(java.util.stream.Stream.of(p), p.descendants()));
        }
        return processes.mapToDouble(p -> p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0)).sum();
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "?";
        }
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
