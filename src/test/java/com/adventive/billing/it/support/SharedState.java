package com.adventive.billing.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What one test class could leave behind for the next, put back before every class: the
 * components up, the secrets folder empty, no work in flight, empty tables, the Stripe stand-in
 * with only its baseline stubs and an empty request journal, and no mail. So a class sees the
 * same world whether it runs alone ({@code -Dit.test=ThatIT}) or after any other.
 */
public final class SharedState {

    /** Generous: with the harness's retry settings every item ends (done, skipped or failed) well within it. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(150);

    /** States in which a work item can still do something (render, store, send). */
    private static final String IN_FLIGHT = "state IN ('pending', 'running')";

    private SharedState() {
    }

    /** Components a test took down come back before the server needs them. */
    static void restoreComponents() {
        TestComponents.db().start();
        TestComponents.bucket().start();
        TestComponents.smtp().start();
    }

    /**
     * Runs with the standard server up. Secrets first (a rotated key could keep work from finishing),
     * then the work of earlier classes drains with their stubs still in place, then the rest is emptied.
     */
    static void resetForNextClass() {
        clearSecrets(BillingServer.secretsDir());
        AssertionError undrained = null;
        try {
            awaitNoWorkInFlight(TestComponents.db(), DRAIN_TIMEOUT);
        } catch (AssertionError e) {
            undrained = e;
        }
        // Even after a failed drain: the next classes must not inherit the stuck items.
        TestComponents.db().emptyWorkerTables();
        TestComponents.stripe().reset();
        TestComponents.mailbox().clear();
        if (undrained != null) {
            throw undrained;
        }
    }

    /** Waits until no work item can still act; fails naming the ones that did not finish. */
    public static void awaitNoWorkInFlight(Db db, Duration max) {
        try {
            Await.until(max, () -> db.count("SELECT COUNT(*) FROM work_item WHERE " + IN_FLIGHT) == 0,
                    "the work of earlier tests to finish");
        } catch (AssertionError e) {
            List<Map<String, Object>> stuck = db.rows("SELECT id, event_id, state, attempts, next_attempt_at, "
                    + "lease_until, last_error FROM work_item WHERE " + IN_FLIGHT + " ORDER BY id");
            AssertionError detailed = new AssertionError(e.getMessage() + "; still in flight: " + stuck);
            detailed.initCause(e.getCause());
            throw detailed;
        }
    }

    static void clearSecrets(Path secretsDir) {
        try (Stream<Path> files = Files.list(secretsDir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty the secrets folder " + secretsDir, e);
        }
    }
}
