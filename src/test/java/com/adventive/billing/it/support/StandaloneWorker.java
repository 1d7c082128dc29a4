package com.adventive.billing.it.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;

/**
 * A worker of a test's own, beside the shared {@link BillingServer}: a second Liberty server in the
 * same installation (no new download), made from the harness server's configuration, in its own
 * directory with its own process, data and logs. The test gives it its whole environment, so it
 * can run the embedded defaults (Derby, folder bucket, .eml outbox) or point it at a database that
 * is not up yet, without disturbing the shared PostgreSQL-backed server.
 */
public final class StandaloneWorker implements AutoCloseable {

    public static final Duration READY_TIMEOUT = BillingServer.READY_TIMEOUT;

    private static final HttpClient PROBE = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private final LibertyProcess liberty;
    private final int httpPort;

    private StandaloneWorker(LibertyProcess liberty, int httpPort) {
        this.liberty = liberty;
        this.httpPort = httpPort;
    }

    /**
     * A fresh server {@code name} (a previous one of that name is stopped and deleted) with the war
     * deployed, not started. {@code httpPort} is where the test will find it: the test decides how
     * the worker learns it (environment or SECRETS_DIR).
     */
    public static StandaloneWorker create(String name, int httpPort) {
        Path target = HarnessDirs.targetDir();
        Path wlp = Paths.get(System.getProperty("liberty.wlp.dir", target.resolve("liberty/wlp").toString()));
        String template = System.getProperty("liberty.server.name", "billingServer");
        Path war = Paths.get(System.getProperty("billing.war", target.resolve("billing-worker.war").toString()));
        Path commandLog = target.resolve("it-work").resolve(name + "-commands.log");
        LibertyProcess server = new LibertyProcess(wlp, template, commandLog).copyAs(name, commandLog);
        server.deploy(war);
        return new StandaloneWorker(server, httpPort);
    }

    /** A free loopback port, e.g. for HTTP_PORT. */
    public static int freePort() {
        return LoopbackPorts.free();
    }

    /** The project directory (where scripts/ lives). */
    public static Path projectDir() {
        return HarnessDirs.targetDir().getParent();
    }

    /** A fresh, empty folder under target/it-work for this test's files. */
    public static Path freshDir(String name) {
        return HarnessDirs.fresh(name);
    }

    /** {@code server start} with exactly this environment (plus the operating-system basics); does not wait for readiness. */
    public StandaloneWorker start(Map<String, String> environment) {
        liberty.useEnvironment(environment);
        liberty.start();
        return this;
    }

    public String baseUrl() {
        return "http://localhost:" + httpPort;
    }

    /** The HTTP status of {@code GET /health/ready} now, or -1 when nothing answers. */
    public int readinessStatus() {
        try {
            return PROBE.send(HttpRequest.newBuilder(URI.create(baseUrl() + BillingServer.READY_PATH))
                            .timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while probing readiness", e);
        }
    }

    /** {@code GET /health/ready}: status and body. */
    public HttpResponse<String> readiness() {
        return get(BillingServer.READY_PATH);
    }

    /** Waits until {@code /health/ready} answers 200; fails with the server log if the process dies or it never does. */
    public void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!liberty.isAlive()) {
                throw new AssertionError("Liberty is not running (it exited?)\n" + liberty.messagesTail(80));
            }
            if (readinessStatus() == 200) {
                return;
            }
            Await.sleep(500);
        }
        throw new AssertionError("Not ready after " + READY_TIMEOUT + "\n" + liberty.messagesTail(80));
    }

    public boolean isAlive() {
        return liberty.isAlive();
    }

    /** The server JVM's process id, to tell "still the same process" from "restarted". */
    public long pid() {
        return liberty.process().orElseThrow(() -> new AssertionError("Liberty is not running\n" + liberty.messagesTail(60))).pid();
    }

    /** An HTTP GET of a path on this worker: status and body, or an AssertionError if nothing answers. */
    public HttpResponse<String> get(String path) {
        try {
            return PROBE.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("no answer from " + baseUrl() + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during GET " + path, e);
        }
    }

    public Path serverDir() {
        return liberty.serverDir();
    }

    public Path messagesLog() {
        return liberty.messagesLog();
    }

    public String messagesTail(int lines) {
        return liberty.messagesTail(lines);
    }

    /** Orderly stop, and a kill if that did not end the process. */
    @Override
    public void close() {
        liberty.stop();
        if (liberty.isAlive()) {
            liberty.kill();
        }
    }
}
