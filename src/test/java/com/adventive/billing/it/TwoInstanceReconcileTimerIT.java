package com.adventive.billing.it;

import com.adventive.billing.it.support.Await;
import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.StandaloneWorker;
import com.adventive.billing.it.support.StripeApiStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two instances of the worker on one PostgreSQL, started at the same moment, with the reconciliation
 * schedule shortened through configuration: each firing runs the reconciliation once, on one of them.
 *
 * <p>Both start with no configured-schedule timer in the database, so each may find none and create
 * one (the set-up race); and the daily timer is stored twice (a copy of its row, as that race would
 * have left it), so each finds a duplicate to cancel. Whatever timers exist, every slot is claimed
 * once ({@code reconcile_firing}), gets one run, and one {@code reconciliation_clean} or
 * {@code reconciliation_drift} event; and a slot found already claimed (as a duplicate timer's firing
 * finds it) gets no run.
 */
@BillingIT
@Tag("reliability")
class TwoInstanceReconcileTimerIT {

    private static final String SECOND = "reconcileTimerSecond";
    private static final String SECOND_ID = "reconcile-timer-second-instance";
    /** Every 20 seconds: configuration, as an operator would shorten it. */
    private static final String SCHEDULE = "*/20 * *";
    private static final String CONFIGURED_INFO = "reconcile-schedule:" + SCHEDULE;
    private static final int FIRINGS = 2;
    /** The instance name on a claim the test makes itself. */
    private static final String PRECLAIMED = "claimed-by-another-firing";
    /** A safety net for two servers starting and two firings on a loaded machine; the test ends when they happened. */
    private static final Duration BOUND = Duration.ofMinutes(5);

    private static StandaloneWorker second;

    /**
     * The next test class starts the standard server (BillingServer.ensureStandardServer), whose
     * configuration has no RECONCILE_SCHEDULE: its set-up cancels the configured timer.
     */
    @AfterAll
    static void secondInstanceGone() {
        if (second != null && second.isAlive()) {
            second.close();
        }
    }

    @Test
    void startedTogetherTwoInstancesRunEachFiringOnce(Db db, StripeApiStub stripe) throws Exception {
        emptyInvoiceList(stripe);
        BillingServer.stopServer();
        List<Long> stored = taskIds(db);
        assertEquals(1, stored.size(), "only the daily timer is stored while the standard server ran: " + stored);
        long copy = duplicateTask(db, stored.get(0));
        assertEquals(2, taskIds(db).size(), "the daily timer stored twice, copy " + copy);

        Map<String, String> firstEnv = Map.of("RECONCILE_SCHEDULE", SCHEDULE);
        Map<String, String> secondEnv = new LinkedHashMap<>(BillingServer.standardEnv());
        int port = StandaloneWorker.freePort();
        secondEnv.put("HTTP_PORT", Integer.toString(port));
        secondEnv.put("HTTPS_PORT", Integer.toString(StandaloneWorker.freePort()));
        secondEnv.put("WORKER_ID", SECOND_ID);
        secondEnv.put("RECONCILE_SCHEDULE", SCHEDULE);
        second = StandaloneWorker.create(SECOND, port);

        // the same moment: both set their timers up while the other does
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> BillingServer.restart(firstEnv));
        CompletableFuture<Void> other = CompletableFuture.runAsync(() -> second.start(secondEnv).awaitReady());
        CompletableFuture.allOf(first, other).join();
        emptyInvoiceList(stripe);

        // A slot already claimed, as when a duplicate timer's firing took it first: its firing only logs.
        // The firing at a 20-second boundary names the next boundary; the firing of this slot is at least 5 s ahead.
        Instant claimedSlot = Instant.ofEpochSecond(((Instant.now().getEpochSecond() + 5) / 20 + 2) * 20);
        db.execute("INSERT INTO reconcile_firing (firing_key, schedule, next_timeout, claimed_by, claimed_at) "
                + "VALUES (?, ?, ?, ?, ?)", CONFIGURED_INFO + "@" + claimedSlot, CONFIGURED_INFO,
                LocalDateTime.ofInstant(claimedSlot, ZoneOffset.UTC), PRECLAIMED, LocalDateTime.now(ZoneOffset.UTC));

        Await.until(BOUND, () -> db.count("SELECT COUNT(*) FROM reconcile_firing f JOIN reconcile_run r ON r.id = f.run_id "
                + "WHERE f.schedule = ? AND r.state <> 'running' AND f.next_timeout > ?", CONFIGURED_INFO,
                LocalDateTime.ofInstant(claimedSlot, ZoneOffset.UTC)) >= 1
                && db.count("SELECT COUNT(*) FROM reconcile_firing f JOIN reconcile_run r ON r.id = f.run_id "
                + "WHERE f.schedule = ? AND r.state <> 'running'", CONFIGURED_INFO) >= FIRINGS,
                "the firing after the claimed slot, and " + FIRINGS + " firings in all, each with a finished run");
        // one daily and one configured timer remain, whatever each instance created and cancelled
        Await.until(Duration.ofMinutes(1), () -> taskIds(db).size() == 2, "duplicate timers cancelled: " + taskIds(db));

        // stop firing before counting, so nothing is half-way while the database is read
        second.close();
        BillingServer.stopServer();

        List<Map<String, Object>> all = db.rows("SELECT firing_key, next_timeout, claimed_by, run_id FROM reconcile_firing "
                + "WHERE schedule = ? ORDER BY next_timeout", CONFIGURED_INFO);
        long slots = db.count("SELECT COUNT(DISTINCT next_timeout) FROM reconcile_firing WHERE schedule = ?", CONFIGURED_INFO);
        assertEquals(all.size(), slots, "one claim per slot: " + all);
        Path firstLog = BillingServer.serverDir().resolve("logs/messages.log");
        Path secondLog = second.messagesLog();
        String logs = read(firstLog) + read(secondLog);
        assertTrue(logs.contains("reconciliation firing " + CONFIGURED_INFO + "@" + claimedSlot + " was already claimed by "
                + PRECLAIMED), "the firing of the claimed slot found it claimed and did nothing: " + all);
        assertEquals(1, db.count("SELECT COUNT(*) FROM reconcile_firing WHERE claimed_by = ? AND run_id IS NULL", PRECLAIMED),
                "no run for the claimed slot");
        List<Map<String, Object>> firings = all.stream().filter(f -> !PRECLAIMED.equals(f.get("claimed_by"))).toList();
        // (the last one may have been claimed just as its server stopped)
        for (Map<String, Object> firing : firings.subList(0, firings.size() - 1)) {
            assertNotNull(firing.get("run_id"), "every claimed firing started (or joined) a run: " + firing);
        }
        List<Long> runs = db.rows("SELECT id FROM reconcile_run WHERE run_trigger = 'schedule' ORDER BY id").stream()
                .map(r -> ((Number) r.get("id")).longValue()).toList();
        List<Long> runsOfFirings = firings.stream().filter(f -> f.get("run_id") != null)
                .map(f -> ((Number) f.get("run_id")).longValue()).distinct().sorted().toList();
        // (a firing that comes while the previous slot's run still goes joins that run instead of starting one)
        assertEquals(runsOfFirings, runs, "every scheduled run belongs to a claimed firing, and no slot ran twice: " + firings);
        for (long run : runs) {
            String state = (String) db.rows("SELECT state FROM reconcile_run WHERE id = ?", run).get(0).get("state");
            if (!"done".equals(state)) {
                continue; // the last one may have been stopped with its server
            }
            assertEquals(1, db.count("SELECT COUNT(*) FROM operational_event WHERE event_type IN "
                    + "('reconciliation_clean', 'reconciliation_drift') AND detail LIKE ?", "run=" + run + " %"),
                    "one reconciliation_clean or reconciliation_drift event for run " + run);
        }

        assertTrue(logs.contains("duplicate reconciliation timer daily-reconciliation cancelled"),
                "an instance found the daily timer stored twice at set-up and cancelled one");
        Map<Object, Long> byInstance = firings.stream().collect(Collectors.groupingBy(f -> f.get("claimed_by"),
                LinkedHashMap::new, Collectors.counting()));
        System.out.printf("[two instances, one timer] %d firings of %s, runs %s; firings claimed per instance %s; "
                        + "configured timers created %d (both instances: the set-up race), duplicate timers cancelled %d, "
                        + "firings that found their slot claimed %d; load %s%n",
                firings.size(), SCHEDULE, runs, byInstance, occurrences(logs, "reconciliation also runs on the configured schedule"),
                occurrences(logs, "duplicate reconciliation timer"), occurrences(logs, "was already claimed by"), uptime());
    }

    /** The persistent timers (Liberty's task rows) stored now. */
    private static List<Long> taskIds(Db db) {
        return db.rows("SELECT id FROM wlptasks.wlptask ORDER BY id").stream()
                .map(r -> ((Number) r.get("id")).longValue()).toList();
    }

    /** A copy of a stored timer under a new id, every other column as it is. */
    private static long duplicateTask(Db db, long id) {
        List<String> columns = db.rows("SELECT column_name FROM information_schema.columns WHERE table_schema = 'wlptasks' "
                + "AND table_name = 'wlptask' ORDER BY ordinal_position").stream()
                .map(r -> (String) r.get("column_name")).toList();
        String others = columns.stream().filter(c -> !"id".equals(c)).collect(Collectors.joining(", "));
        // far above the ids Liberty hands out in a test run
        long copy = db.count("SELECT MAX(id) FROM wlptasks.wlptask") + 100_000;
        db.execute("INSERT INTO wlptasks.wlptask (id, " + others + ") SELECT ?, " + others
                + " FROM wlptasks.wlptask WHERE id = ?", copy, id);
        return copy;
    }

    private static String read(Path log) throws IOException {
        return Files.isRegularFile(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    private static long occurrences(String text, String what) {
        long n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + what.length())) {
            n++;
        }
        return n;
    }

    private static String uptime() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void emptyInvoiceList(StripeApiStub stripe) {
        stripe.wireMock().stubFor(get(urlPathEqualTo("/v1/invoices"))
                .willReturn(okJson("{\"object\":\"list\",\"data\":[],\"has_more\":false,\"url\":\"/v1/invoices\"}")));
    }
}
