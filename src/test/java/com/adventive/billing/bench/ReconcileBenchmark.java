package com.adventive.billing.bench;

import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.StripeInvoiceList;
import com.adventive.billing.it.support.TestComponents;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Reconciles {@code bench.reconcile.accounts} accounts (default 10,000) of one period in the real
 * worker (Open Liberty, PostgreSQL) against the Stripe stand-in (WireMock on loopback) serving one
 * invoice per account, 100 to a page. Prints the time of each run, the Stripe calls it made and the
 * pages it needed. Never passes or fails on time.
 */
public final class ReconcileBenchmark {

    static final String PERIOD = "2026-10";
    static final Instant FINALIZED = Instant.parse("2026-10-31T00:00:00Z");

    public static void main(String[] args) throws Exception {
        int accounts = Integer.parseInt(System.getProperty("bench.reconcile.accounts", "10000"));
        int runs = Integer.parseInt(System.getProperty("bench.reconcile.runs", "3"));
        System.out.println("== Reconciliation benchmark: " + accounts + " accounts, period " + PERIOD + " ==");
        BenchEnvironment environment = BenchEnvironment.start(Map.of());
        boolean stopped = false;
        try {
            run(accounts, runs);
        } finally {
            stopped = environment.stop();
        }
        if (!stopped) {
            System.exit(2);
        }
    }

    private static void run(int accounts, int runs) throws Exception {
        String price = Fixtures.stripeId("price_", 20);
        JsonObject priceJson = Json.createObjectBuilder(parse(Fixtures.price(price, "usd", 15)))
                .add("recurring", Json.createObjectBuilder().add("interval", "month").add("interval_count", 1)
                        .addNull("meter").add("usage_type", "metered").addNull("trial_period_days"))
                .build();
        TestComponents.stripe().stubPrice(priceJson.toString());

        long seedStart = System.nanoTime();
        JsonObject template = parse(Fixtures.invoiceFinalized().priceId(price).finalizedAt(FINALIZED)
                .line("Impressions", 2, 15).build().invoiceJson());
        List<String> invoices = new ArrayList<>(accounts);
        try (Connection c = TestComponents.db().connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement account = c.prepareStatement("INSERT INTO billing_account (acct_id, stripe_customer_id, "
                    + "billed_by, updated_at) VALUES (?, ?, 'stripe', CURRENT_TIMESTAMP)");
                 PreparedStatement usage = c.prepareStatement("INSERT INTO usage_record (acct_id, usage_period, metric, "
                         + "source_id, quantity, stripe_customer_id, event_name, meter_identifier, meter_timestamp, state, "
                         + "recorded_at, send_attempts) VALUES (?, ?, 'impressions', 's1', 2, ?, 'impressions', ?, 0, "
                         + "'reported', CURRENT_TIMESTAMP, 1)")) {
                for (int i = 0; i < accounts; i++) {
                    String acct = String.format(Locale.ROOT, "acct_bench%06d", i);
                    String customer = String.format(Locale.ROOT, "cus_bench%06d", i);
                    account.setString(1, acct);
                    account.setString(2, customer);
                    account.addBatch();
                    usage.setString(1, acct);
                    usage.setString(2, PERIOD);
                    usage.setString(3, customer);
                    usage.setString(4, "bench-" + acct);
                    usage.addBatch();
                    invoices.add(Json.createObjectBuilder(template)
                            .add("id", String.format(Locale.ROOT, "in_bench%06d", i))
                            .add("customer", customer)
                            .add("metadata", Json.createObjectBuilder().add("acct_id", acct))
                            .build().toString());
                    if (i % 1000 == 999) {
                        account.executeBatch();
                        usage.executeBatch();
                    }
                }
                account.executeBatch();
                usage.executeBatch();
            }
            c.commit();
        }
        StripeInvoiceList.serve(TestComponents.stripe(), invoices, 100);
        System.out.printf(Locale.ROOT, "seeded %d accounts, usage records and Stripe invoices in %.1f s%n", accounts,
                (System.nanoTime() - seedStart) / 1e9);

        String clientId = "bench-operator.access";
        String secret = UUID.randomUUID().toString();
        BillingServer.writeSecret("ADMIN_SERVICE_TOKENS", clientId + ":" + HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8))));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        long pagesNeeded = (accounts + 99) / 100 + 1;
        System.out.println("pages needed: " + (accounts + 99) / 100 + " invoice pages + 1 price = " + pagesNeeded);
        String profile = System.getProperty("bench.server.profile", "").trim();
        for (int r = 1; r <= runs; r++) {
            int before = TestComponents.stripe().requestsTo("/v1/");
            if (!profile.isEmpty()) {
                jcmd("JFR.start", "name=run-" + r, "settings=profile");
            }
            long start = System.nanoTime();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(BillingServer.url(
                    "/admin/reconcile?period=" + PERIOD))).timeout(Duration.ofMinutes(10))
                    .header("CF-Access-Client-Id", clientId).header("CF-Access-Client-Secret", secret).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!profile.isEmpty()) {
                java.nio.file.Files.createDirectories(java.nio.file.Path.of(profile));
                jcmd("JFR.stop", "name=run-" + r, "filename=" + java.nio.file.Path.of(profile, "run-" + r + ".jfr").toAbsolutePath());
            }
            int calls = TestComponents.stripe().requestsTo("/v1/") - before;
            System.out.printf(Locale.ROOT, "run %d: %.2f s, HTTP %d, Stripe calls seen by the stand-in %d; load %s%n  %s%n",
                    r, seconds, response.statusCode(), calls, load(), response.body());
        }
    }

    /**
     * {@code -Dbench.server.profile=DIR}: a Java Flight Recorder recording of the server per run
     * ({@code DIR/run-N.jfr}), for scripts/bench-profile.sh's JfrHotspots or JDK Mission Control.
     */
    private static void jcmd(String... command) throws Exception {
        java.nio.file.Path pidFile = BillingServer.serverDir().getParent().resolve(".pid")
                .resolve(BillingServer.serverDir().getFileName() + ".pid");
        List<String> args = new ArrayList<>(List.of(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd")
                .toString(), java.nio.file.Files.readString(pidFile).trim()));
        args.addAll(List.of(command));
        Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            System.out.println("(jcmd " + String.join(" ", command) + " failed: " + output.trim() + ")");
        }
    }

    private static String load() {
        try {
            return new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/loadavg"))).trim();
        } catch (Exception e) {
            return "?";
        }
    }

    private static JsonObject parse(String json) {
        return Json.createReader(new StringReader(json)).readObject();
    }
}
