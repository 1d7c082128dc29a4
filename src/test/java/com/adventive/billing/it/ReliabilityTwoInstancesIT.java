package com.adventive.billing.it;

import com.adventive.billing.it.support.Await;
import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Invariants;
import com.adventive.billing.it.support.MeterEventStub;
import com.adventive.billing.it.support.StandaloneWorker;
import com.adventive.billing.it.support.StripeApiStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two instances of the worker on one PostgreSQL, behind no load balancer: requests alternate
 * between them (a re-send goes to the other one). Each invoice is worked once and emailed once,
 * each usage record reported once; then one instance is killed with kill -9 in the middle of a
 * burst and the other finishes its work, taking over the dead one's claims when their leases lapse.
 * ({@code reliability.pair.events}, default 2,000 per burst.)
 *
 * <p>The persistent reconciliation timer firing on one instance only has its own class,
 * {@link TwoInstanceReconcileTimerIT}, which runs in every build.
 */
@BillingIT
@Tag("reliability")
@Tag("heavy")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilityTwoInstancesIT {

    private static final Duration SEND_BOUND = Duration.ofMinutes(10);
    private static final Duration DRAIN_BOUND = Duration.ofMinutes(20);
    private static final String SECOND = "reliabilitySecond";

    private static final AdminClient usageCaller = new AdminClient();
    private static StandaloneWorker second;

    @BeforeAll
    static void secondInstanceOnTheSameDatabase() {
        BillingServer.ensureStandardServer();
        usageCaller.register();
        Map<String, String> env = new LinkedHashMap<>(BillingServer.env());
        int port = StandaloneWorker.freePort();
        env.put("HTTP_PORT", Integer.toString(port));
        env.put("HTTPS_PORT", Integer.toString(StandaloneWorker.freePort()));
        env.put("WORKER_ID", "reliability-second-instance");
        second = StandaloneWorker.create(SECOND, port).start(env);
        second.awaitReady();
    }

    @AfterAll
    static void secondInstanceGone() {
        usageCaller.unregister();
        if (second != null && second.isAlive()) {
            second.close();
        }
    }

    private static int events() {
        return Integer.getInteger("reliability.pair.events", 2_000);
    }

    private static ReliabilityLoad.Sender alternating() {
        String first = BillingServer.url("");
        String other = second.baseUrl();
        return new ReliabilityLoad.Sender(turn -> turn % 2 == 0 ? first : other, 16, usageCaller);
    }

    @Test
    @Order(1)
    void eventsAlternatingBetweenTwoInstancesAreEachWorkedOnce(Db db, StripeApiStub stripe) {
        new MeterEventStub(stripe).accepting();
        ReliabilityLoad.anyInvoiceIsOpen(stripe, Fixtures.invoiceFinalized().build().invoiceJson());
        var workload = ReliabilityLoad.build(events(), ReliabilityLoad.stripeAccounts(db, 20), 2L, "pair");

        var sent = alternating().send(workload.requests(), SEND_BOUND, SEND_BOUND);
        assertEquals(List.of(), sent.notAccepted().stream().map(o -> o.status() + " " + o.body()).limit(10).toList());
        var summary = invariants(db, workload, sent).awaitAndAssert(DRAIN_BOUND);

        Map<String, Long> claims = claimsByInstance(db);
        System.out.printf("[reliability two instances] %d requests alternating, intake %.1f s (%.0f/s); %s; "
                + "items per instance %s; load %s%n", workload.requests().size(), sent.seconds(),
                sent.accepted() / sent.seconds(), summary, claims, ReliabilityLoad.uptime());
        assertTrue(claims.size() == 2, "both instances worked items: " + claims);
    }

    @Test
    @Order(2)
    void whenOneInstanceIsKilledMidBurstTheOtherFinishesItsWork(Db db, StripeApiStub stripe) {
        new MeterEventStub(stripe).accepting();
        ReliabilityLoad.anyInvoiceIsOpen(stripe, Fixtures.invoiceFinalized().build().invoiceJson());
        var workload = ReliabilityLoad.build(events(), ReliabilityLoad.stripeAccounts(db, 20), 3L, "pairkill");
        String secondId = "reliability-second-instance";

        var sender = alternating();
        CompletableFuture<ReliabilityLoad.Sent> burst = CompletableFuture.supplyAsync(
                () -> sender.send(workload.requests(), SEND_BOUND, SEND_BOUND));
        Await.until(Duration.ofMinutes(5), () -> sender.answered() >= workload.requests().size() / 3 || burst.isDone(),
                "a third of the burst answered");
        Await.until(Duration.ofMinutes(2), () -> db.count("SELECT COUNT(*) FROM work_item WHERE state = 'running' "
                + "AND claimed_by = ?", secondId) > 0, "the second instance to hold work");
        long pid = second.pid();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        Await.until(Duration.ofMinutes(1), () -> !second.isAlive(), "the second instance to die");
        long heldWhenKilled = db.count("SELECT COUNT(*) FROM work_item WHERE state = 'running' AND claimed_by = ?", secondId);
        long pendingWhenKilled = db.count("SELECT COUNT(*) FROM work_item WHERE state = 'pending'");
        long killedAt = System.nanoTime();

        ReliabilityLoad.Sent sent = burst.join();
        assertEquals(List.of(), sent.notAccepted().stream().map(o -> o.status() + " " + o.body()).limit(10).toList(),
                "every request answered 2xx, by the survivor when its first address was dead");
        // An email the killed instance had transmitted without recording the answer stays
        // outcome_unknown for an operator (a second send could be a second email): allowed only for
        // the work it held, and never with two messages at the SMTP server.
        var summary = invariants(db, workload, sent).allowingUnknownEmailOutcomes((int) heldWhenKilled)
                .awaitAndAssert(DRAIN_BOUND);
        double recovered = (System.nanoTime() - killedAt) / 1e9;
        long takenOver = db.count("SELECT COUNT(*) FROM work_item WHERE attempts > 1 AND claimed_by <> ?", secondId);
        System.out.printf("[reliability two instances] kill -9 of one instance mid-burst: it held %d items, %d pending;"
                        + " all done %.1f s after the kill; %d items retried by the survivor; re-sends %d; %s; load %s%n",
                heldWhenKilled, pendingWhenKilled, recovered, takenOver, sent.retries(), summary, ReliabilityLoad.uptime());
        assertTrue(heldWhenKilled > 0, "killed while holding work");
        assertEquals(0, db.count("SELECT COUNT(*) FROM work_item WHERE state IN ('pending', 'running')"));
    }

    private static Map<String, Long> claimsByInstance(Db db) {
        Map<String, Long> claims = new LinkedHashMap<>();
        for (Map<String, Object> row : db.rows("SELECT claimed_by, COUNT(*) AS n FROM work_item WHERE claimed_by IS NOT NULL "
                + "GROUP BY claimed_by ORDER BY claimed_by")) {
            claims.put((String) row.get("claimed_by"), ((Number) row.get("n")).longValue());
        }
        return claims;
    }

    private static Invariants invariants(Db db, ReliabilityLoad.Workload workload, ReliabilityLoad.Sent sent) {
        return Invariants.of(db)
                .acceptedEvents(ReliabilityLoad.acceptedEventIds(sent))
                .acceptedUsage(ReliabilityLoad.acceptedUsageSources(sent))
                .finalizedInvoices(workload.invoiceToEmail());
    }
}
