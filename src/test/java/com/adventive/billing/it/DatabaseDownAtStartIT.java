package com.adventive.billing.it;

import com.adventive.billing.it.support.Await;
import com.adventive.billing.it.support.StandaloneWorker;
import com.adventive.billing.it.support.StripeSigner;
import com.adventive.billing.it.support.WebhookClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The database is down when the worker starts (issue 10, part 6): the worker must come up anyway,
 * say it is not ready, and become ready on its own when the database returns — migrations retried
 * in the background, same process, no restart by hand — and then take and work events.
 *
 * <p>Its own server and its own PostgreSQL (on a port chosen here, started only later), so the
 * shared server and database of the other tests are not disturbed.
 */
@Tag("integration")
class DatabaseDownAtStartIT {

    private static final String DATABASE = "billing";
    /** zonky runs initdb with trust authentication: any password is accepted. */
    private static final String USER = "postgres";
    private static final Duration DATABASE_BACK = Duration.ofMinutes(3);

    @Test
    void theWorkerComesUpWithoutItsDatabaseAndBecomesReadyWhenItReturns() throws Exception {
        Path work = StandaloneWorker.freshDir("database-down-at-start");
        Path outbox = work.resolve("outbox");
        int databasePort = StandaloneWorker.freePort();
        int port = StandaloneWorker.freePort();
        StripeSigner signer = new StripeSigner("whsec_db_down_it_" + UUID.randomUUID().toString().replace("-", ""));

        Map<String, String> env = new LinkedHashMap<>();
        env.put("BILLING_DB_KIND", "postgresql");
        env.put("BILLING_DB_HOST", "localhost");
        env.put("BILLING_DB_PORT", Integer.toString(databasePort));
        env.put("BILLING_DB_NAME", DATABASE);
        env.put("BILLING_DB_USER", USER);
        env.put("BILLING_DB_PASSWORD", "postgres");
        env.put("HTTP_PORT", Integer.toString(port));
        env.put("HTTPS_PORT", Integer.toString(StandaloneWorker.freePort()));
        env.put("STRIPE_WEBHOOK_SECRET", signer.secret());
        env.put("BUCKET_DIR", work.resolve("bucket").toString());
        env.put("MAIL_OUTBOX_DIR", outbox.toString());
        env.put("RENDER_CONCURRENCY", "2");

        EmbeddedPostgres postgres = null;
        try (StandaloneWorker worker = StandaloneWorker.create("billingDbDown", port)) {
            worker.start(env);

            // The application is up (its readiness check answers) and says the database is down.
            Await.until(StandaloneWorker.READY_TIMEOUT, () -> reportsDatabaseDown(worker.readiness()),
                    "the application started and its readiness check reports the database down");
            HttpResponse<String> notReady = worker.readiness();
            assertEquals(503, notReady.statusCode(), notReady.body());
            long pid = worker.pid();
            assertEquals(200, worker.get("/health/live").statusCode(), "alive: nothing to restart");
            String whileDown = sampleInvoice("down" + Long.toString(System.nanoTime(), 36));
            WebhookClient webhook = new WebhookClient(worker.baseUrl(), signer);
            int refused = webhook.postSigned(whileDown).statusCode();
            assertTrue(refused >= 500, "an event that cannot be stored is refused so Stripe retries it, got " + refused);
            // Still not ready after a few migration retries, and still the same process.
            assertEquals(503, worker.readinessStatus());
            assertTrue(worker.isAlive(), worker.messagesTail(40));

            postgres = EmbeddedPostgres.builder().setPort(databasePort).start();
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + DATABASE);
            }

            Await.until(DATABASE_BACK, () -> worker.readinessStatus() == 200, "ready on its own once the database is back");
            assertEquals(pid, worker.pid(), "the same server process: no restart");
            EmbeddedPostgres database = postgres;
            assertTrue(query(database, "SELECT COUNT(*) FROM flyway_schema_history WHERE success").orElse(0L) > 0,
                    "the migrations ran");

            // Stripe retries the event that was refused: now it is taken and worked.
            String eventId = Json.createReader(new StringReader(whileDown)).readObject().getString("id");
            assertEquals(200, webhook.postSigned(whileDown).statusCode());
            Await.until(Duration.ofMinutes(2), () -> query(database,
                            "SELECT COUNT(*) FROM work_item WHERE event_id = ? AND state = 'done'", eventId).orElse(0L) == 1,
                    "the event's work done");
            try (Stream<Path> emails = Files.list(outbox)) {
                assertEquals(1, emails.filter(p -> p.toString().endsWith(".eml")).count(), "its email in the outbox");
            }
            // The daily reconciliation's persistent timer lives in the database: it is set up once it is back.
            Await.until(Duration.ofMinutes(1), () -> logSays(worker, "daily reconciliation timer created (persistent, 06:00 UTC)"),
                    "the daily reconciliation timer set up after the database returned");
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    private static boolean logSays(StandaloneWorker worker, String text) {
        try {
            return Files.readString(worker.messagesLog()).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /** The application's readiness check answered (so the application started) and reports the database down. */
    private static boolean reportsDatabaseDown(HttpResponse<String> readiness) {
        JsonObject health = Json.createReader(new StringReader(readiness.body())).readObject();
        return health.getJsonArray("checks").stream()
                .map(JsonValue::asJsonObject)
                .filter(check -> check.containsKey("data"))
                .anyMatch(check -> "down".equals(check.getJsonObject("data").getString("database", null)));
    }

    /** The repo's sample event (scripts/sample-invoice-finalized.json) as a new invoice. */
    private static String sampleInvoice(String suffix) throws Exception {
        long now = System.currentTimeMillis() / 1000;
        return Files.readString(StandaloneWorker.projectDir().resolve("scripts/sample-invoice-finalized.json"))
                .replace("{{SUFFIX}}", suffix)
                .replace("{{NOW}}", Long.toString(now))
                .replace("{{DUE}}", Long.toString(now + 30 * 86_400))
                .replace("{{PERIOD_START}}", Long.toString(now - 30 * 86_400));
    }

    private static Optional<Long> query(EmbeddedPostgres postgres, String sql, Object... args) {
        try (Connection c = postgres.getDatabase(USER, DATABASE).getConnection();
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        } catch (Exception e) {
            throw new IllegalStateException("query failed: " + sql, e);
        }
    }
}
