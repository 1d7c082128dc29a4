package com.adventive.billing.it;

import com.adventive.billing.it.support.Await;
import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Bucket;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.SmtpControl;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.TestComponents;
import com.adventive.billing.it.support.WebhookClient;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.adventive.billing.it.WorkAssertions.awaitWorkState;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What probes and the runbook's quick checks read from /health. Readiness gates on the database and
 * the queue only; the bucket, SMTP and Stripe are reported in exact states but never make the
 * worker unready. Each outage is real: PostgreSQL refusing connections, GreenMail stopped, the
 * bucket endpoint pointing at a closed port, the Stripe stand-in answering 500.
 */
@BillingIT
class HealthIT {

    private static final String READY = "billing-worker-ready";
    private static final String LIVE = "billing-worker-live";
    private static final Duration OUTAGE_SEEN = Duration.ofSeconds(60);

    private record Health(int status, JsonObject body) {
        JsonObject check(String name) {
            List<JsonObject> named = checks().stream().filter(c -> name.equals(c.getString("name"))).toList();
            assertEquals(1, named.size(), "exactly one check named " + name + " in " + body);
            return named.get(0);
        }

        JsonObject data(String name) {
            return check(name).getJsonObject("data");
        }

        List<JsonObject> checks() {
            JsonArray checks = body.getJsonArray("checks");
            return checks.stream().map(JsonValue::asJsonObject).toList();
        }

        String string(String name, String field) {
            return data(name).getString(field, null);
        }

        long number(String name, String field) {
            return data(name).getJsonNumber(field).longValue();
        }
    }

    private static Health health(WebhookClient client, String path) {
        HttpResponse<String> response = client.get(path);
        return new Health(response.statusCode(), Json.createReader(new StringReader(response.body())).readObject());
    }

    /** Bucket and SMTP readings are refreshed off the probe thread: wait until this probe sees them settled. */
    private static Health awaitReady(WebhookClient client, String bucket, String smtp) {
        Health[] last = new Health[1];
        Await.until(OUTAGE_SEEN, () -> {
            last[0] = health(client, "/health/ready");
            return last[0].status() == 200 && bucket.equals(last[0].string(READY, "bucket"))
                    && smtp.equals(last[0].string(READY, "smtp"));
        }, "readiness UP with bucket " + bucket + " and smtp " + smtp);
        return last[0];
    }

    @Test
    void readinessAndLivenessAreTwoChecksWithExactStates(WebhookClient client) {
        Health ready = awaitReady(client, "up", "up");
        assertEquals("UP", ready.body().getString("status"));
        assertEquals(1, ready.checks().size(), ready.body().toString());
        assertEquals("UP", ready.check(READY).getString("status"));
        assertTrue(ready.string(READY, "version").matches("\\d+\\.\\d+\\.\\d+.*"), ready.body().toString());
        assertEquals("up", ready.string(READY, "database"));
        assertEquals("up", ready.string(READY, "queue"));
        assertTrue(ready.data(READY).getBoolean("stripe_connected"), ready.body().toString());

        Health live = health(client, "/health/live");
        assertEquals(200, live.status());
        assertEquals(1, live.checks().size(), live.body().toString());
        assertEquals("UP", live.check(LIVE).getString("status"));
        assertEquals(ready.string(READY, "version"), live.string(LIVE, "version"));

        Health all = health(client, "/health");
        assertEquals(Set.of(READY, LIVE), Set.copyOf(all.checks().stream().map(c -> c.getString("name")).toList()));
    }

    @Test
    void workCountsAreExactlyWhatTheDatabaseHolds(Db db, WebhookClient client, StripeApiStub stripe) {
        // a known failed item, so the failed count is exercised with something to count
        var orphan = Fixtures.invoiceFinalized().acctId(null).build();
        stripe.stubCustomer(orphan.customerJson());
        assertEquals(200, client.postSigned(orphan.eventJson()).statusCode());
        awaitWorkState(db, orphan.eventId(), "failed");

        String[] seen = new String[1];
        Await.until(OUTAGE_SEEN, () -> {
            Health ready = health(client, "/health/ready");
            long pending = db.count("SELECT COUNT(*) FROM work_item WHERE state = 'pending'");
            long running = db.count("SELECT COUNT(*) FROM work_item WHERE state = 'running'");
            long failed = db.count("SELECT COUNT(*) FROM work_item WHERE state = 'failed'");
            seen[0] = ready.data(READY) + " vs db pending=" + pending + " running=" + running + " failed=" + failed;
            return ready.number(READY, "pending_work") == pending && ready.number(READY, "running_work") == running
                    && ready.number(READY, "failed_work") == failed && failed >= 1;
        }, "health counts equal to the database's (last: " + seen[0] + ")");
    }

    @Test
    void healthNamesStatesNotInfrastructure(WebhookClient client) {
        awaitReady(client, "up", "up");
        String everything = client.get("/health").body();
        List<String> secrets = new ArrayList<>(List.of(Bucket.NAME, "localhost", "127.0.0.1", "s3:",
                TestComponents.bucket().endpoint(), Integer.toString(TestComponents.bucket().port()),
                Integer.toString(TestComponents.smtp().port()), Integer.toString(TestComponents.db().port()),
                "postgres", "jdbc"));
        for (String detail : secrets) {
            assertFalse(everything.contains(detail), "health carries " + detail + ": " + everything);
        }
    }

    @Test
    void theJqFiltersInTheReadmeAndRunbookEachSelectExactlyOneCheck(WebhookClient client) throws IOException {
        Health all = health(client, "/health");
        Pattern selectByName = Pattern.compile("select\\(\\.name==\"([^\"]+)\"\\)");
        Set<String> named = new LinkedHashSet<>();
        for (Path doc : List.of(Path.of("README.md"), Path.of("docs/runbook.md"))) {
            Matcher m = selectByName.matcher(Files.readString(doc));
            while (m.find()) {
                named.add(m.group(1));
            }
        }
        assertFalse(named.isEmpty(), "the documents filter health by check name");
        for (String name : named) {
            all.check(name);
        }
    }

    @Test
    void readinessIsDownWhileTheDatabaseRefusesConnectionsAndComesBackOnItsOwn(Db db, WebhookClient client,
                                                                              StripeApiStub stripe) throws SQLException {
        awaitReady(client, "up", "up");
        try {
            databaseAcceptsConnections(false);
            Await.until(OUTAGE_SEEN, () -> health(client, "/health/ready").status() == 503, "readiness DOWN");
            Health down = health(client, "/health/ready");
            assertEquals("DOWN", down.body().getString("status"));
            assertEquals("down", down.string(READY, "database"));
            assertEquals("up", down.string(READY, "queue"));
            assertFalse(down.data(READY).containsKey("pending_work"), "no counts without a database");
            assertEquals(200, health(client, "/health/live").status(), "still alive: no restart for a database outage");
        } finally {
            databaseAcceptsConnections(true);
        }
        Health back = awaitReady(client, "up", "up");
        assertEquals("up", back.string(READY, "database"));

        var invoice = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("after-db-outage")).build();
        stripe.stubInvoice(invoice, 100);
        assertEquals(200, client.postSigned(invoice.eventJson()).statusCode());
        awaitWorkState(db, invoice.eventId(), "done");
    }

    @Test
    void readinessStaysUpAndIntakeGoesOnWhileTheBucketIsDown(Db db, WebhookClient client, StripeApiStub stripe) {
        awaitReady(client, "up", "up");
        var invoice = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("bucket-outage")).build();
        stripe.stubInvoice(invoice, 100);
        try {
            BillingServer.writeSecret("BUCKET_ENDPOINT", "http://127.0.0.1:" + closedPort());
            Health during = awaitReady(client, "down", "up");
            assertEquals("UP", during.check(READY).getString("status"));
            assertEquals("up", during.string(READY, "database"));
            assertEquals(200, client.postSigned(invoice.eventJson()).statusCode(), "webhooks are still taken");
        } finally {
            BillingServer.removeSecret("BUCKET_ENDPOINT");
        }
        awaitReady(client, "up", "up");
        awaitWorkState(db, invoice.eventId(), "done");
    }

    @Test
    void readinessStaysUpWhileSmtpIsDown(WebhookClient client, SmtpControl smtp) {
        awaitReady(client, "up", "up");
        try {
            smtp.stop();
            Health during = awaitReady(client, "up", "down");
            assertEquals("UP", during.check(READY).getString("status"));
        } finally {
            smtp.start();
        }
        awaitReady(client, "up", "up");
    }

    @Test
    void stripeBeingDownNeitherMakesTheWorkerUnreadyNorDead(WebhookClient client, StripeApiStub stripe) {
        try {
            stripe.failRequests("/v1/account", 500);
            // a new key invalidates the cached reading at once
            BillingServer.writeSecret("STRIPE_SECRET_KEY", "sk_test_health_" + System.nanoTime());
            Health ready = health(client, "/health/ready");
            assertEquals(200, ready.status(), ready.body().toString());
            assertFalse(ready.data(READY).getBoolean("stripe_connected"), ready.body().toString());
            assertEquals(200, health(client, "/health/live").status());
        } finally {
            stripe.reset();
            BillingServer.removeSecret("STRIPE_SECRET_KEY");
        }
    }

    @Test
    void theAdminApiIsDescribedByOpenApiWithItsUi(WebhookClient client) {
        HttpResponse<String> openapi = client.get("/openapi");
        assertEquals(200, openapi.statusCode());
        for (String path : new String[]{"/admin/resend-invoice", "/admin/render-pdf", "/admin/invoices/{invoice_id}",
                "/admin/events", "/admin/work", "/admin/reconcile", "/webhooks/stripe"}) {
            assertTrue(openapi.body().contains(path), "OpenAPI describes " + path);
        }
        assertEquals(200, client.get("/openapi/ui/").statusCode());
    }

    /**
     * PostgreSQL stops taking connections to the worker's database and drops the ones it has, as
     * when the database goes away; the server and its data stay, so it can come back.
     */
    private static void databaseAcceptsConnections(boolean accepts) throws SQLException {
        String admin = "jdbc:postgresql://localhost:" + TestComponents.db().port() + "/postgres";
        try (Connection c = DriverManager.getConnection(admin, Db.USER, Db.PASSWORD); Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + Db.DATABASE + " ALLOW_CONNECTIONS " + accepts);
            if (!accepts) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + Db.DATABASE + "'");
            }
        }
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
