package com.adventive.billing.it;

import com.adventive.billing.it.support.Await;
import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Bucket;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Invariants;
import com.adventive.billing.it.support.MeterEventStub;
import com.adventive.billing.it.support.SmtpControl;
import com.adventive.billing.it.support.StripeApiStub;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crashes and outages in the middle of a burst (a mix of signed events and usage records, see
 * {@link ReliabilityLoad}; {@code reliability.fault.events}, default 400 per scenario): kill -9
 * mid-render then restart; SMTP down then back; the bucket down then back; Stripe answering 429
 * and then 500 for a while; PostgreSQL restarted (the webhook answers 5xx while it is down, and
 * re-sending what got 5xx completes the work). Each ends with the invariants.
 *
 * <p>Work is retried every 1–5 s up to 40 attempts here, so a 20 s outage is survived by retries
 * alone, as production's backoff (30 s to an hour, 8 attempts) survives hours.
 */
@BillingIT
@Tag("reliability")
@Tag("heavy")
class ReliabilityFaultsIT {

    private static final Duration OUTAGE = Duration.ofSeconds(20);
    private static final Duration SEND_BOUND = Duration.ofMinutes(10);
    private static final Duration DRAIN_BOUND = Duration.ofMinutes(10);

    private static final AdminClient usageCaller = new AdminClient();

    private final List<String> accounts = new ArrayList<>();

    @BeforeAll
    static void patientRetries() {
        BillingServer.restart(Map.of("WORK_MAX_ATTEMPTS", "40", "WORK_RETRY_BASE_SECONDS", "1",
                "WORK_RETRY_MAX_SECONDS", "5"));
        usageCaller.register();
    }

    @AfterAll
    static void noCaller() {
        usageCaller.unregister();
    }

    @BeforeEach
    void stripeAnswers(Db db, StripeApiStub stripe) {
        new MeterEventStub(stripe).accepting();
        ReliabilityLoad.anyInvoiceIsOpen(stripe, Fixtures.invoiceFinalized().build().invoiceJson());
        accounts.addAll(ReliabilityLoad.stripeAccounts(db, 10));
    }

    private static int events() {
        return Integer.getInteger("reliability.fault.events", 400);
    }

    @Test
    void killedMidRenderThenRestartedNothingIsLostOrDoubled(Db db, SmtpControl smtp, StripeApiStub stripe) {
        // Long invoices, so the kill lands while PDFs are being rendered. SMTP is down meanwhile, so no
        // email can be between DATA and its reply at the kill: that one unknowable moment ends as
        // email_outcome_unknown for an operator, by design, and has its own test (EmailOutcomeUnknownIT).
        List<Fixtures.FinalizedInvoice> longInvoices = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            var invoice = Fixtures.invoiceFinalized().customerEmail(WorkAssertions.uniqueEmail("killed-long" + i))
                    .lines(400).build();
            stripe.stubInvoiceLines(invoice.invoiceId(), invoice.lineJsons(), 100);
            longInvoices.add(invoice);
        }
        var workload = ReliabilityLoad.build(events(), accounts, 1L, "kill");
        List<ReliabilityLoad.Request> requests = new ArrayList<>(workload.requests());
        int middle = requests.size() / 2;
        longInvoices.forEach(i -> requests.add(middle,
                new ReliabilityLoad.Request(ReliabilityLoad.Kind.FINALIZED, i.eventId(), i.eventJson())));
        Map<String, String> invoices = new java.util.LinkedHashMap<>(workload.invoiceToEmail());
        longInvoices.forEach(i -> invoices.put(i.invoiceId(), i.customerEmail()));

        smtp.stop();
        ReliabilityLoad.Sent sent;
        try {
            sent = ReliabilityLoad.Sender.toSharedWorker(8, usageCaller).send(requests, SEND_BOUND, SEND_BOUND);
            Await.until(Duration.ofMinutes(5), () -> longInvoices.stream().anyMatch(i -> "running".equals(
                            WorkAssertions.workState(db, i.eventId()))) && running(db) == BillingServer.renderConcurrency(),
                    "a long invoice to be worked on, every slot busy");
            long storedBefore = db.count("SELECT COUNT(*) FROM invoice_pdf_version");
            BillingServer.killServer();
            System.out.printf("[reliability kill] killed with %d items running, %d PDFs stored, %d items done; load %s%n",
                    running(db), storedBefore, db.count("SELECT COUNT(*) FROM work_item WHERE state = 'done'"),
                    ReliabilityLoad.uptime());
            BillingServer.startServer();
        } finally {
            smtp.start();
        }
        assertAllAccepted(sent);
        var summary = invariants(db, workload, sent).finalizedInvoices(invoices).awaitAndAssert(DRAIN_BOUND);
        System.out.println("[reliability kill] after restart: " + summary + "; released "
                + db.count("SELECT COUNT(*) FROM operational_event WHERE event_type = 'work_released'"));
    }

    @Test
    void smtpDownThenBack(Db db, SmtpControl smtp) {
        outage("smtp", db, smtp::stop, smtp::start, () -> db.count("SELECT COUNT(*) FROM operational_event "
                + "WHERE event_type = 'email_failed'") > 0);
    }

    @Test
    void bucketDownThenBack(Db db, Bucket bucket) {
        outage("bucket", db, bucket::stop, bucket::start, () -> db.count("SELECT COUNT(*) FROM operational_event "
                + "WHERE event_type = 'pdf_store_failed'") > 0);
    }

    @Test
    void stripeAnswering429Then500(Db db, StripeApiStub stripe) {
        List<StubMapping> faults = new ArrayList<>();
        MeterEventStub meter = new MeterEventStub(stripe);
        int before = meter.sent().size();
        outage("stripe", db, () -> faults.add(stripeAnswers(stripe, 429)), () -> {
            pause(OUTAGE.toMillis() / 2);
            faults.forEach(stripe.wireMock()::removeStub);
            faults.add(stripeAnswers(stripe, 500));
            pause(OUTAGE.toMillis() / 2);
            faults.forEach(stripe.wireMock()::removeStub);
        }, () -> meter.sent().stream().skip(before).anyMatch(s -> s.status() == 429));
        long refused = meter.sent().stream().skip(before).filter(s -> s.status() == 429 || s.status() == 500).count();
        System.out.println("[reliability stripe] meter event requests answered 429/500: " + refused);
        assertTrue(refused > 0, "the fault reached the worker");
    }

    @Test
    void postgresRestartedMidBurstWhatGot5xxIsResentAndCompletes(Db db) {
        var workload = ReliabilityLoad.build(events(), accounts, 5L, "pg");
        var sender = ReliabilityLoad.Sender.toSharedWorker(8, usageCaller);
        // No re-sends during the burst: what gets 5xx is re-sent after the outage, as Stripe would later.
        CompletableFuture<ReliabilityLoad.Sent> burst = CompletableFuture.supplyAsync(
                () -> sender.send(workload.requests(), Duration.ZERO, SEND_BOUND));
        Await.until(Duration.ofMinutes(5), () -> sender.answered() >= workload.requests().size() / 4 || burst.isDone(),
                "a quarter of the burst answered");
        db.stop();
        long downAt = System.nanoTime();
        pause(OUTAGE.toMillis());
        db.start();
        double downSeconds = (System.nanoTime() - downAt) / 1e9;
        ReliabilityLoad.Sent first = burst.join();
        List<ReliabilityLoad.Outcome> refused = first.notAccepted();
        assertTrue(refused.stream().allMatch(o -> o.status() >= 500 || o.status() < 0),
                "while the database is down the answer is 5xx, never 2xx or 4xx: " + refused.stream()
                        .filter(o -> o.status() < 500 && o.status() >= 0).map(o -> o.status() + " " + o.body()).limit(5).toList());
        assertTrue(!refused.isEmpty(), "some requests met the outage");
        Map<Integer, Long> statuses = first.statusCounts();

        BillingServer.awaitReady();
        ReliabilityLoad.Sent resent = ReliabilityLoad.Sender.toSharedWorker(8, usageCaller)
                .send(refused.stream().map(ReliabilityLoad.Outcome::request).toList(), SEND_BOUND, SEND_BOUND);
        assertAllAccepted(resent);
        List<ReliabilityLoad.Outcome> all = new ArrayList<>(first.outcomes());
        all.addAll(resent.outcomes());
        ReliabilityLoad.Sent together = new ReliabilityLoad.Sent(all, first.startedNanos(), resent.lastAcceptedNanos(), 0);
        var summary = invariants(db, workload, together).awaitAndAssert(DRAIN_BOUND);
        System.out.printf("[reliability postgres] down %.1f s mid-burst; first answers %s; re-sent %d; %s; load %s%n",
                downSeconds, statuses, refused.size(), summary, ReliabilityLoad.uptime());
    }

    // --- The shape every outage scenario shares ---

    /**
     * A burst; once {@code faultSeen} says the worker met the fault (started when a quarter was
     * answered), the outage lasts {@link #OUTAGE} (or what {@code end} does), then ends; the
     * invariants must hold once the work drains.
     */
    private void outage(String name, Db db, Runnable start, Runnable end, BooleanSupplier faultSeen) {
        var workload = ReliabilityLoad.build(events(), accounts, name.hashCode(), name);
        var sender = ReliabilityLoad.Sender.toSharedWorker(8, usageCaller);
        CompletableFuture<ReliabilityLoad.Sent> burst = CompletableFuture.supplyAsync(
                () -> sender.send(workload.requests(), SEND_BOUND, SEND_BOUND));
        Await.until(Duration.ofMinutes(5), () -> sender.answered() >= workload.requests().size() / 4 || burst.isDone(),
                "a quarter of the burst answered");
        long startedAt = System.nanoTime();
        start.run();
        try {
            Await.until(Duration.ofMinutes(2), faultSeen, "the worker to meet the " + name + " outage");
            long remaining = OUTAGE.toMillis() - (System.nanoTime() - startedAt) / 1_000_000;
            // The Stripe scenario's end() holds its two phases (429, then 500) itself.
            if (remaining > 0 && !name.equals("stripe")) {
                pause(remaining);
            }
        } finally {
            end.run();
        }
        double outageSeconds = (System.nanoTime() - startedAt) / 1e9;
        ReliabilityLoad.Sent sent = burst.join();
        assertAllAccepted(sent);
        long drainStarted = System.nanoTime();
        var summary = invariants(db, workload, sent).awaitAndAssert(DRAIN_BOUND);
        System.out.printf("[reliability %s] outage %.1f s mid-burst of %d; drained %.1f s after the last answer; %s; "
                        + "retried attempts %d; load %s%n", name, outageSeconds, workload.requests().size(),
                (System.nanoTime() - drainStarted) / 1e9, summary,
                db.count("SELECT COALESCE(SUM(attempts - 1), 0) FROM work_item WHERE attempts > 1"), ReliabilityLoad.uptime());
    }

    private static Invariants invariants(Db db, ReliabilityLoad.Workload workload, ReliabilityLoad.Sent sent) {
        return Invariants.of(db)
                .acceptedEvents(ReliabilityLoad.acceptedEventIds(sent))
                .acceptedUsage(ReliabilityLoad.acceptedUsageSources(sent))
                .finalizedInvoices(workload.invoiceToEmail());
    }

    private static void assertAllAccepted(ReliabilityLoad.Sent sent) {
        assertEquals(List.of(), sent.notAccepted().stream().map(o -> o.status() + " " + o.request().kind() + " "
                + o.body()).limit(10).toList(), "every request answered 2xx in the end");
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(Math.max(0, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static long running(Db db) {
        return db.count("SELECT COUNT(*) FROM work_item WHERE state = 'running'");
    }

    /** Every Stripe API call answers this status (429 with Retry-After, as Stripe's rate limiter does). */
    private static StubMapping stripeAnswers(StripeApiStub stripe, int status) {
        var response = aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"type\":\"" + (status == 429 ? "invalid_request_error" : "api_error")
                        + "\",\"code\":\"" + (status == 429 ? "rate_limit" : "harness_failure")
                        + "\",\"message\":\"Injected by the reliability suite\"}}");
        if (status == 429) {
            response.withHeader("Retry-After", "1");
        }
        return stripe.wireMock().stubFor(any(urlPathMatching("/v1/.*")).atPriority(2).willReturn(response));
    }
}
