package com.adventive.billing.it.support;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The worker under test: one Open Liberty server per test run, shared by every {@link BillingIT}
 * class, configured through its environment to use the {@link TestComponents}. In the integration
 * tests Arquillian's Liberty managed container starts it (with the environment failsafe gives the
 * test JVM, which {@link #prepareForContainer} checks against the standard configuration here) and
 * deploys the war into it; the benchmarks, outside Arquillian, have it started here. Tests may stop,
 * kill, start and reconfigure it mid-test through this class (its own small harness, {@link
 * LibertyProcess}); the next test class then gets the standard configuration back (a restart, only
 * if something was changed) and the shared state reset ({@link SharedState}).
 *
 * <p>All state is static (JUnit creates extension instances freely); see {@link BillingIT}.
 */
public final class BillingServer implements BeforeAllCallback, ParameterResolver {

    public static final Duration READY_TIMEOUT = Duration.ofSeconds(240);
    public static final String READY_PATH = "/health/ready";

    public static final String CURRENT_WEBHOOK_SECRET = "whsec_harness_current";
    public static final String PREVIOUS_WEBHOOK_SECRET = "whsec_harness_previous";
    public static final String STRIPE_SECRET_KEY = "sk_test_harness";
    public static final String MAIL_FROM = "billing-noreply@notify.adventive.com";

    /** The war's context root; ibm-web-ext.xml sets "/". */
    private static final String CONTEXT_ROOT = System.getProperty("billing.context.root", "");

    private static LibertyProcess liberty;
    private static Path secretsDir;
    /** The configuration every test class starts from. */
    private static Map<String, String> standardEnv;
    /** What server.env holds now (standard plus a test's extras). */
    private static Map<String, String> currentEnv;
    /** Set once the server answered ready; cleared by every stop, kill and start. */
    private static boolean ready;
    /** A failed start with the standard configuration is not retried by every later class. */
    private static AssertionError standardStartFailure;

    private static final HttpClient PROBE = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    /**
     * Before every test class: the components up, the standard server running, and nothing left
     * over from earlier classes ({@link SharedState}).
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        new TestComponents().beforeAll(context);
        SharedState.restoreComponents();
        ensureStandardServer();
        SharedState.resetForNextClass();
    }

    /**
     * Starts the server unless it already runs with the standard configuration (as Arquillian's
     * container started it, or as the last restart left it), and waits until it is ready.
     */
    public static synchronized void ensureStandardServer() {
        prepareOnce();
        if (standardStartFailure != null) {
            throw new AssertionError("The server failed to start earlier in this run", standardStartFailure);
        }
        try {
            if (liberty.isAlive() && currentEnv.equals(standardEnv)) {
                if (!ready) {
                    awaitReady();
                    ready = true;
                }
                return;
            }
            restartWith(standardEnv);
        } catch (AssertionError | RuntimeException e) {
            standardStartFailure = e instanceof AssertionError a ? a : new AssertionError(e.getMessage(), e);
            throw e;
        }
    }

    /** Stops the server, rewrites server.env as the standard configuration plus {@code extraEnv}, starts it and waits until ready. A null value removes a key. */
    public static synchronized void restart(Map<String, String> extraEnv) {
        prepareOnce();
        Map<String, String> env = new LinkedHashMap<>(standardEnv);
        extraEnv.forEach((key, value) -> {
            if (value == null) {
                env.remove(key);
            } else {
                env.put(key, value);
            }
        });
        restartWith(env);
    }

    /** Orderly stop ({@code server stop}): the worker finishes or rolls back what it is doing. */
    public static synchronized void stopServer() {
        prepareOnce();
        ready = false;
        liberty.stop();
        if (liberty.isAlive()) {
            liberty.kill();
        }
    }

    /** Starts the server with the current configuration and waits until it is ready. */
    public static synchronized void startServer() {
        prepareOnce();
        if (!liberty.isAlive()) {
            ready = false;
            liberty.useEnvironment(currentEnv);
            liberty.start();
        }
        awaitReady();
        ready = true;
    }

    /** SIGKILL to the server JVM, as a crash: nothing is flushed or rolled back in an orderly way. */
    public static synchronized void killServer() {
        prepareOnce();
        ready = false;
        liberty.kill();
    }

    public static synchronized boolean isRunning() {
        return liberty != null && liberty.isAlive();
    }

    /** Polls {@value #READY_PATH} until 200; fails with the server log if it never gets there. */
    public static void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String lastAnswer = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!liberty.isAlive()) {
                throw new AssertionError("Liberty is not running (it exited during start?)\n" + liberty.messagesTail(80));
            }
            try {
                HttpResponse<String> response = PROBE.send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + READY_PATH)).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                if (response.statusCode() == 200) {
                    return;
                }
                lastAnswer = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                lastAnswer = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for readiness", e);
            }
            Await.sleep(500);
        }
        throw new AssertionError("Server not ready after " + READY_TIMEOUT + "; last answer from " + READY_PATH + ": "
                + lastAnswer + "\n" + liberty.messagesTail(80));
    }

    // --- Addresses and clients ---

    /** {@code http://localhost:<HTTP_PORT>}, the server root (health endpoints live here). */
    public static String baseUrl() {
        return "http://localhost:" + httpPort();
    }

    /** The application's URL for a path, e.g. {@code url("/webhooks/stripe")}. */
    public static String url(String path) {
        return baseUrl() + CONTEXT_ROOT + path;
    }

    /** A client that signs with the current webhook secret. */
    public static WebhookClient webhook() {
        return new WebhookClient(baseUrl() + CONTEXT_ROOT, currentSigner());
    }

    public static StripeSigner currentSigner() {
        return new StripeSigner(CURRENT_WEBHOOK_SECRET);
    }

    public static StripeSigner previousSigner() {
        return new StripeSigner(PREVIOUS_WEBHOOK_SECRET);
    }

    // --- Configuration as written to server.env ---

    /** What server.env holds now. */
    public static synchronized Map<String, String> env() {
        prepareOnce();
        return Collections.unmodifiableMap(currentEnv);
    }

    /** The configuration each test class starts from. */
    public static synchronized Map<String, String> standardEnv() {
        prepareOnce();
        return standardEnv;
    }

    public static String env(String key) {
        return env().get(key);
    }

    public static int httpPort() { return Integer.parseInt(env("HTTP_PORT")); }
    public static int httpsPort() { return Integer.parseInt(env("HTTPS_PORT")); }
    public static String dbKind() { return env("BILLING_DB_KIND"); }
    public static String dbHost() { return env("BILLING_DB_HOST"); }
    public static int dbPort() { return Integer.parseInt(env("BILLING_DB_PORT")); }
    public static String dbName() { return env("BILLING_DB_NAME"); }
    public static String dbUser() { return env("BILLING_DB_USER"); }
    public static String dbPassword() { return env("BILLING_DB_PASSWORD"); }
    public static String bucketEndpoint() { return env("BUCKET_ENDPOINT"); }
    public static String bucketRegion() { return env("BUCKET_REGION"); }
    public static String bucketName() { return env("BUCKET_NAME"); }
    public static String bucketAccessKeyId() { return env("BUCKET_ACCESS_KEY_ID"); }
    public static String bucketSecretAccessKey() { return env("BUCKET_SECRET_ACCESS_KEY"); }
    public static String smtpHost() { return env("SMTP_HOST"); }
    public static int smtpPort() { return Integer.parseInt(env("SMTP_PORT")); }
    public static boolean smtpStarttls() { return Boolean.parseBoolean(env("SMTP_STARTTLS")); }
    public static String mailFrom() { return env("MAIL_FROM"); }
    public static String stripeApiBase() { return env("STRIPE_API_BASE"); }
    public static String stripeSecretKey() { return env("STRIPE_SECRET_KEY"); }
    /** The raw comma-separated list, as configured. */
    public static String stripeWebhookSecret() { return env("STRIPE_WEBHOOK_SECRET"); }
    public static List<String> stripeWebhookSecrets() { return List.of(stripeWebhookSecret().split(",")); }
    public static int workSweepSeconds() { return Integer.parseInt(env("WORK_SWEEP_SECONDS")); }
    public static int workRetryBaseSeconds() { return Integer.parseInt(env("WORK_RETRY_BASE_SECONDS")); }
    public static int workLeaseSeconds() { return Integer.parseInt(env("WORK_LEASE_SECONDS")); }
    public static int workMaxAttempts() { return Integer.parseInt(env("WORK_MAX_ATTEMPTS")); }
    public static int renderConcurrency() { return Integer.parseInt(env("RENDER_CONCURRENCY")); }

    /** How many work items the server runs at once: WORK_CONCURRENCY, else server.xml's default (8). */
    public static synchronized int workConcurrency() {
        String setting = currentEnv == null ? null : currentEnv.get("WORK_CONCURRENCY");
        return setting == null ? 8 : Integer.parseInt(setting);
    }

    // --- Secrets directory (one file per key, read by the worker on every lookup) ---

    public static synchronized Path secretsDir() {
        prepareOnce();
        return secretsDir;
    }

    /** Writes {@code SECRETS_DIR/<name>} atomically, so the worker never reads half a secret. */
    public static void writeSecret(String name, String value) {
        Path target = secretsDir().resolve(name);
        try {
            Path temp = Files.createTempFile(secretsDir(), ".tmp-", "");
            Files.writeString(temp, value, StandardCharsets.UTF_8);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write secret " + name, e);
        }
    }

    public static void removeSecret(String name) {
        try {
            Files.deleteIfExists(secretsDir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove secret " + name, e);
        }
    }

    // --- Diagnostics ---

    public static synchronized Path serverDir() {
        prepareOnce();
        return liberty.serverDir();
    }

    /** The shared server's JVM, however it was started (Arquillian, or {@code restart()}'s {@code server start}). */
    public static synchronized java.util.Optional<ProcessHandle> serverProcess() {
        prepareOnce();
        return liberty.process();
    }

    public static synchronized String messagesLogTail(int lines) {
        prepareOnce();
        return liberty.messagesTail(lines);
    }

    // --- Arquillian's container ---

    /** Names of variables that Liberty's launcher or the worker would read, besides the standard configuration. */
    private static final List<String> FOREIGN_SETTING_PREFIXES = List.of(
            "STRIPE_", "BILLING_", "BUCKET_", "SMTP_", "MAIL_", "WORK_", "RENDER_", "SELLER_", "ADMIN_", "CF_ACCESS_",
            "USAGE_", "DUNNING_", "INVOICE_", "WLP_", "JVM_ARGS", "LOG_DIR", "LOG_FILE", "VARIABLE_SOURCE_DIRS",
            "IBM_JAVA_OPTIONS", "OPENJ9_JAVA_OPTIONS", "_JAVA_OPTIONS");

    /**
     * Called by Arquillian's container ({@link SharedWarLibertyContainer}) just before it launches the
     * server: the components are up, the server will get exactly the standard configuration (the test
     * JVM's environment, which it inherits, holds it and nothing else the worker reads), its
     * server.env does not override any of it, and no server of that name is left over from an aborted run.
     */
    static synchronized void prepareForContainer() {
        if (!ContainerEnvironment.active()) {
            throw new IllegalStateException("Arquillian's container starts the test server only under failsafe"
                    + " (system property " + ContainerEnvironment.SERVER_NAME_PROPERTY + "): run mvn verify");
        }
        prepareOnce();
        Map<String, String> inherited = System.getenv();
        List<String> mismatches = new ArrayList<>();
        standardEnv.forEach((key, value) -> {
            if (!value.equals(inherited.get(key))) {
                mismatches.add(key + ": the harness wants '" + value + "', the environment has '" + inherited.get(key) + "'");
            }
        });
        inherited.keySet().stream()
                .filter(key -> !standardEnv.containsKey(key))
                .filter(key -> FOREIGN_SETTING_PREFIXES.stream().anyMatch(key::startsWith))
                .forEach(key -> mismatches.add(key + ": set in the build's environment; the test server would inherit it"
                        + " (unset it, or add it to failsafe's excludedEnvironmentVariables)"));
        if (!mismatches.isEmpty()) {
            throw new IllegalStateException("The environment the test server inherits is not the standard test"
                    + " configuration (failsafe's environmentVariables in pom.xml vs BillingServer):\n  "
                    + String.join("\n  ", mismatches));
        }
        liberty.useEnvironment(standardEnv);
        liberty.refuseSettingsInServerEnv();
        if (liberty.isAlive()) {
            // Left over from an aborted run: Arquillian would refuse to start beside it.
            liberty.stop();
            if (liberty.isAlive()) {
                liberty.kill();
            }
        }
    }

    // --- Internals ---

    private static void prepareOnce() {
        if (liberty != null) {
            return;
        }
        TestComponents.start();
        Path target = HarnessDirs.targetDir();
        Path wlp = Paths.get(System.getProperty("liberty.wlp.dir", target.resolve("liberty/wlp").toString()));
        boolean containerManaged = ContainerEnvironment.active();
        String serverName = containerManaged
                ? ContainerEnvironment.serverName()
                : System.getProperty("liberty.server.name", "billingServer");
        Path war = Paths.get(System.getProperty("billing.war", target.resolve("billing-worker.war").toString()));

        LibertyProcess server = new LibertyProcess(wlp, serverName, target.resolve("it-work/liberty-commands.log"));
        secretsDir = HarnessDirs.fresh("secrets");
        standardEnv = Collections.unmodifiableMap(standardEnvironment(secretsDir));
        currentEnv = standardEnv;
        if (!containerManaged) {
            // The benchmarks: no Arquillian, the harness deploys and starts the server itself.
            if (server.isAlive()) {
                // Left over from an aborted run: it would serve the old configuration on our port.
                server.stop();
                if (server.isAlive()) {
                    server.kill();
                }
            }
            server.deploy(war);
        }
        liberty = server;
        TestComponents.stopBeforeComponents(BillingServer::shutdownServer);
    }

    /** A port the run's environment assigns (Arquillian's runs), else a free one (the benchmarks). */
    private static String port(String key) {
        int assigned = ContainerEnvironment.port(key);
        return Integer.toString(assigned != 0 ? assigned : LoopbackPorts.free());
    }

    private static Map<String, String> standardEnvironment(Path secrets) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HTTP_PORT", port("HTTP_PORT"));
        env.put("HTTPS_PORT", port("HTTPS_PORT"));
        env.put("BILLING_DB_KIND", "postgresql");
        env.put("BILLING_DB_HOST", "localhost");
        env.put("BILLING_DB_PORT", Integer.toString(TestComponents.db().port()));
        env.put("BILLING_DB_NAME", Db.DATABASE);
        env.put("BILLING_DB_USER", Db.USER);
        env.put("BILLING_DB_PASSWORD", Db.PASSWORD);
        env.put("BUCKET_ENDPOINT", TestComponents.bucket().endpoint());
        env.put("BUCKET_REGION", Bucket.REGION);
        env.put("BUCKET_NAME", Bucket.NAME);
        env.put("BUCKET_ACCESS_KEY_ID", Bucket.ACCESS_KEY_ID);
        env.put("BUCKET_SECRET_ACCESS_KEY", Bucket.SECRET_ACCESS_KEY);
        env.put("SMTP_HOST", SmtpControl.HOST);
        env.put("SMTP_PORT", Integer.toString(TestComponents.smtp().port()));
        env.put("SMTP_STARTTLS", "false");
        env.put("MAIL_FROM", MAIL_FROM);
        env.put("STRIPE_API_BASE", TestComponents.stripe().baseUrl());
        env.put("STRIPE_SECRET_KEY", STRIPE_SECRET_KEY);
        env.put("STRIPE_WEBHOOK_SECRET", CURRENT_WEBHOOK_SECRET + "," + PREVIOUS_WEBHOOK_SECRET);
        env.put("SECRETS_DIR", secrets.toString());
        env.put("WORK_SWEEP_SECONDS", "1");
        env.put("WORK_RETRY_BASE_SECONDS", "1");
        env.put("WORK_LEASE_SECONDS", "20");
        env.put("WORK_MAX_ATTEMPTS", "5");
        env.put("RENDER_CONCURRENCY", "2");
        return env;
    }

    private static void restartWith(Map<String, String> env) {
        if (liberty.isAlive()) {
            stopServer();
        }
        ready = false;
        liberty.useEnvironment(env);
        currentEnv = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        liberty.start();
        awaitReady();
        ready = true;
    }

    /** End of the run: orderly stop, and a kill if that did not work. */
    private static synchronized void shutdownServer() {
        if (liberty != null && liberty.isAlive()) {
            liberty.stop();
            if (liberty.isAlive()) {
                liberty.kill();
            }
        }
    }

    // --- Parameter injection ---

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == WebhookClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return webhook();
    }
}
