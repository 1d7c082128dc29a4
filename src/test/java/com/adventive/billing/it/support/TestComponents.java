package com.adventive.billing.it.support;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The real components the worker talks to, on loopback, started once per test JVM on first use:
 * embedded PostgreSQL, GreenMail SMTP, s3proxy and WireMock (the Stripe API stand-in). Tests that do
 * not need the Liberty server use {@code @ExtendWith(TestComponents.class)}; {@link BillingIT} adds
 * the server on top.
 *
 * <p>JUnit creates extension instances as it likes, so the components live in static state and
 * every accessor is static. Shutdown happens when JUnit closes the root context (end of the run),
 * or at JVM exit if the components were started outside JUnit.
 */
public final class TestComponents implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TestComponents.class);

    private record Running(Path workDir, Db db, SmtpControl smtp, Mailbox mailbox, Bucket bucket, StripeApiStub stripe) {
    }

    private static Running running;
    /** Things built on the components (the Liberty server) that must stop before them, newest first. */
    private static final Deque<Runnable> stopBeforeComponents = new ArrayDeque<>();

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
        // The root store closes its resources when the whole run ends, not when this class ends.
        context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Shutdown.class, key -> new Shutdown(), Shutdown.class);
    }

    /** Starts every component unless already running. Safe to call from anywhere, any number of times. */
    public static synchronized void start() {
        if (running != null) {
            return;
        }
        QuietLogging.apply();
        Path workDir = HarnessDirs.fresh("components");
        Deque<Runnable> startedSoFar = new ArrayDeque<>();
        try {
            Db db = started(startedSoFar, () -> Db.launch(workDir.resolve("postgres"), ContainerEnvironment.port("BILLING_DB_PORT")), d -> quietly(d::shutdown));
            SmtpControl smtp = started(startedSoFar, () -> SmtpControl.launch(ContainerEnvironment.port("SMTP_PORT")), s -> s.shutdown());
            Bucket bucket = started(startedSoFar, () -> Bucket.launch(workDir.resolve("s3"), ContainerEnvironment.port("BUCKET_ENDPOINT")), b -> b.shutdown());
            StripeApiStub stripe = started(startedSoFar, () -> StripeApiStub.launch(ContainerEnvironment.port("STRIPE_API_BASE")), s -> s.wireMock().stop());
            running = new Running(workDir, db, smtp, new Mailbox(smtp), bucket, stripe);
        } catch (RuntimeException e) {
            // Leave nothing behind (PostgreSQL is a separate process) when one component fails.
            startedSoFar.forEach(Runnable::run);
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(TestComponents::shutdown, "test-components-shutdown"));
    }

    public static Db db() {
        return running().db();
    }

    public static Mailbox mailbox() {
        return running().mailbox();
    }

    public static SmtpControl smtp() {
        return running().smtp();
    }

    public static Bucket bucket() {
        return running().bucket();
    }

    public static StripeApiStub stripe() {
        return running().stripe();
    }

    /** A scratch folder for this run under target/it-work, emptied at the start of each run. */
    public static Path workDir() {
        return running().workDir();
    }

    /** Registers a shutdown step that must run before the components stop (last registered runs first). */
    static synchronized void stopBeforeComponents(Runnable step) {
        stopBeforeComponents.push(step);
    }

    /** Stops what was built on the components, then the components; idempotent. */
    static synchronized void shutdown() {
        while (!stopBeforeComponents.isEmpty()) {
            quietly(stopBeforeComponents.pop()::run);
        }
        if (running == null) {
            return;
        }
        Running r = running;
        running = null;
        quietly(() -> r.stripe().wireMock().stop());
        quietly(() -> r.bucket().shutdown());
        quietly(() -> r.smtp().shutdown());
        quietly(() -> r.db().shutdown());
    }

    private static synchronized Running running() {
        if (running == null) {
            start();
        }
        return running;
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void quietly(Step step) {
        try {
            step.run();
        } catch (Exception e) {
            // Shutdown must go on with the other components; report, do not throw.
            System.err.println("[harness] shutdown step failed: " + e);
        }
    }

    private static <T> T started(Deque<Runnable> startedSoFar, Supplier<T> start, Consumer<T> stop) {
        T component = start.get();
        startedSoFar.push(() -> quietly(() -> stop.accept(component)));
        return component;
    }

    private static final class Shutdown implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            shutdown();
        }
    }

    // --- Parameter injection: a test method or constructor may simply declare a Db, Mailbox, … ---

    private static final Map<Class<?>, Supplier<Object>> INJECTABLE = Map.of(
            Db.class, TestComponents::db,
            Mailbox.class, TestComponents::mailbox,
            SmtpControl.class, TestComponents::smtp,
            Bucket.class, TestComponents::bucket,
            StripeApiStub.class, TestComponents::stripe);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return INJECTABLE.containsKey(parameter.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return INJECTABLE.get(parameter.getParameter().getType()).get();
    }
}
