package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Invariants;
import com.adventive.billing.it.support.MeterEventStub;
import com.adventive.billing.it.support.SharedState;
import com.adventive.billing.it.support.StripeApiStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Burst: 10,000 requests ({@code -Dreliability.events=1000} for a quick run) — signed events of
 * several types, usage records, 5 % duplicates, shuffled — sent as fast as the machine takes them
 * from {@code reliability.clients} threads (default 16). Sending is bounded (10 min) and so is
 * the drain (60 min); the figures are printed, never judged. The worker runs with production's
 * lease and sweep settings, so a backlog behaves as it would in production.
 */
@BillingIT
@Tag("reliability")
@Tag("heavy")
class ReliabilityBurstIT {

    private static final Duration SEND_BOUND = Duration.ofMinutes(10);
    private static final Duration DRAIN_BOUND = Duration.ofMinutes(60);

    private static final AdminClient usageCaller = new AdminClient();

    @BeforeAll
    static void productionTimings() {
        BillingServer.restart(Map.of("WORK_LEASE_SECONDS", "300", "WORK_SWEEP_SECONDS", "15"));
        usageCaller.register();
    }

    @AfterAll
    static void noCaller() {
        usageCaller.unregister();
    }

    /** Until the backlog is worked off (or the drain bound passes), a line a minute: what is left, what is done. */
    private static void printDrainProgress(Db db, long drainStarted) {
        long deadline = drainStarted + DRAIN_BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            long left = db.count("SELECT COUNT(*) FROM work_item WHERE state IN ('pending', 'running')");
            if (left == 0) {
                return;
            }
            System.out.printf("[reliability burst] drain %.0f s: %d items left, %d done; load %s%n",
                    (System.nanoTime() - drainStarted) / 1e9, left,
                    db.count("SELECT COUNT(*) FROM work_item WHERE state IN ('done', 'skipped')"), ReliabilityLoad.uptime());
            try {
                Thread.sleep(Math.min(60_000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Test
    void tenThousandMixedEventsAreEachWorkedOnceAndNothingIsLeftBehind(Db db, StripeApiStub stripe) {
        int total = ReliabilityLoad.events(10_000);
        int clients = Integer.getInteger("reliability.clients", 16);
        new MeterEventStub(stripe).accepting();
        ReliabilityLoad.anyInvoiceIsOpen(stripe, Fixtures.invoiceFinalized().build().invoiceJson());
        var workload = ReliabilityLoad.build(total, ReliabilityLoad.stripeAccounts(db, 25), 20261125L, "burst");

        String loadBefore = ReliabilityLoad.uptime();
        var sent = ReliabilityLoad.Sender.toSharedWorker(clients, usageCaller)
                .send(workload.requests(), SEND_BOUND, SEND_BOUND);
        long drainStarted = System.nanoTime();
        String loadAfterSending = ReliabilityLoad.uptime();
        assertEquals(List.of(), sent.notAccepted().stream().map(o -> o.status() + " " + o.request().kind() + " "
                + o.body()).limit(10).toList(), "every request answered 2xx (5xx re-sent as Stripe would)");

        System.out.printf("[reliability burst] intake of %d requests: %.1f s, %.0f requests/s, %d re-sends, answers %s; load %s%n",
                total, sent.seconds(), sent.accepted() / sent.seconds(), sent.retries(), sent.statusCounts(),
                ReliabilityLoad.uptime());
        printDrainProgress(db, drainStarted);
        var summary = Invariants.of(db)
                .acceptedEvents(ReliabilityLoad.acceptedEventIds(sent))
                .acceptedUsage(ReliabilityLoad.acceptedUsageSources(sent))
                .finalizedInvoices(workload.invoiceToEmail())
                .awaitAndAssert(Duration.ofSeconds(60)); // the progress above waited for the drain
        double drainSeconds = (System.nanoTime() - drainStarted) / 1e9;
        double totalSeconds = (System.nanoTime() - sent.startedNanos()) / 1e9;

        long duplicateAnswers = sent.outcomes().stream().filter(o -> o.accepted() && (o.request().usage()
                ? "duplicate".equals(o.usageStatus()) : o.body().contains("\"duplicate\""))).count();
        System.out.printf("""
                [reliability burst] %d requests (finalized %d, paid %d, usage %d, unhandled %d, duplicates %d) from %d clients
                [reliability burst] intake: %.1f s, %.0f requests/s, %d re-sends, answers %s
                [reliability burst] drain after the last answer: %.1f s; first request to all work done: %.1f s (%.1f items/s)
                [reliability burst] %s
                [reliability burst] duplicate answers: %d; load before: %s; after sending: %s; after drain: %s
                """, total, workload.count(ReliabilityLoad.Kind.FINALIZED), workload.count(ReliabilityLoad.Kind.PAID),
                workload.count(ReliabilityLoad.Kind.USAGE), workload.count(ReliabilityLoad.Kind.UNHANDLED),
                workload.duplicates(), clients, sent.seconds(), sent.accepted() / sent.seconds(), sent.retries(),
                sent.statusCounts(), drainSeconds, totalSeconds,
                (summary.workDone() + summary.workSkipped()) / totalSeconds, summary, duplicateAnswers,
                loadBefore, loadAfterSending, ReliabilityLoad.uptime());
        assertTrue(duplicateAnswers >= workload.duplicates(), "every duplicate was recognised as one");
        assertEquals(workload.count(ReliabilityLoad.Kind.FINALIZED), summary.invoiceEmails());
        SharedState.awaitNoWorkInFlight(db, Duration.ofSeconds(5));
    }
}
