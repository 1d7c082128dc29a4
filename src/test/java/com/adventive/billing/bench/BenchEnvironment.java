package com.adventive.billing.bench;

import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.TestComponents;

import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The integration-test world, started from a plain {@code main}: the real components on loopback
 * ({@link TestComponents}: PostgreSQL, GreenMail, s3proxy, WireMock) and one Open Liberty server
 * ({@link BillingServer}), exactly as the ITs get them, without JUnit.
 *
 * <p>{@link #close()} stops the server, then the components, through the harness's own shutdown
 * (the same code JUnit runs at the end of {@code mvn verify}). That method is package-private in
 * the harness, so it is called reflectively; the harness also registers it as a JVM shutdown hook,
 * which remains the backstop (Ctrl-C, or a harness that renamed it).
 */
final class BenchEnvironment implements AutoCloseable {

    /**
     * The harness's standard server configuration tunes the work timers for tests (sweep every 1 s,
     * 20 s lease, 1 s retry base). Production leaves them at the worker's defaults (15 s, 300 s,
     * 30 s, 8 attempts); a null value removes the key from server.env so the default applies.
     */
    static final Map<String, String> PRODUCTION_TIMINGS;

    static {
        Map<String, String> timings = new LinkedHashMap<>();
        timings.put("WORK_SWEEP_SECONDS", null);
        timings.put("WORK_LEASE_SECONDS", null);
        timings.put("WORK_RETRY_BASE_SECONDS", null);
        timings.put("WORK_MAX_ATTEMPTS", null);
        PRODUCTION_TIMINGS = java.util.Collections.unmodifiableMap(timings);
    }

    private boolean closed;

    private BenchEnvironment() {
    }

    /**
     * Starts the components and the server (standard harness configuration plus {@code serverEnvOverrides};
     * a null value removes a key), waits until {@code /health/ready} answers 200.
     * On failure everything started so far is stopped before the exception leaves.
     */
    static BenchEnvironment start(Map<String, String> serverEnvOverrides) {
        BenchEnvironment environment = new BenchEnvironment();
        try {
            TestComponents.start();
            if (serverEnvOverrides.isEmpty()) {
                BillingServer.ensureStandardServer();
            } else {
                // The server is not running yet: restart() just starts it with this configuration.
                BillingServer.restart(serverEnvOverrides);
            }
            return environment;
        } catch (RuntimeException | Error e) {
            environment.stop();
            throw e;
        }
    }

    /**
     * Orderly stop of the server (kill if it hangs), then WireMock, s3proxy, GreenMail, PostgreSQL.
     * Idempotent. Returns false when the harness's shutdown could not run: the caller should then
     * exit the JVM so that the harness's shutdown hook gets another chance.
     */
    boolean stop() {
        if (closed) {
            return true;
        }
        closed = true;
        try {
            Method shutdown = TestComponents.class.getDeclaredMethod("shutdown");
            shutdown.setAccessible(true);
            shutdown.invoke(null);
            return true;
        } catch (Throwable e) {
            // Throwable: a concurrent `mvn clean`/recompile can remove harness classes under a running
            // benchmark, which surfaces as NoClassDefFoundError here.
            System.err.println("[bench] harness shutdown failed (" + e + "); stopping the server directly");
            try {
                if (BillingServer.isRunning()) {
                    BillingServer.stopServer();
                }
            } catch (Throwable stop) {
                System.err.println("[bench] server stop failed: " + stop);
            }
            return false;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
