package com.adventive.billing.it;

import com.adventive.billing.it.support.Await;
import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.StripeInvoiceList;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reconciliation's persistent timer firing in the real server: a schedule shortened through
 * configuration ({@code RECONCILE_SCHEDULE}), and the daily 06:00 UTC firing missed while the server
 * was down, run at the next start.
 */
@BillingIT
class ReconciliationTimerIT {

    private static final Duration FIRING = Duration.ofSeconds(240);

    @AfterAll
    static void standardServer() {
        BillingServer.restart(Map.of());
    }

    @Test
    void aShortenedScheduleFiresAndDriftRaisesTheOperationalEvent(Db db, StripeApiStub stripe) {
        emptyInvoiceList(stripe);
        // usage in the last closed period and no Stripe invoice for it: missing_in_stripe
        String period = YearMonth.now(ZoneOffset.UTC).minusMonths(1).toString();
        db.execute("INSERT INTO billing_account (acct_id, stripe_customer_id, billed_by, updated_at) "
                + "VALUES ('acct_rctimer', 'cus_rctimer', 'stripe', CURRENT_TIMESTAMP)");
        db.execute("INSERT INTO usage_record (acct_id, usage_period, metric, source_id, quantity, stripe_customer_id, "
                + "event_name, meter_identifier, meter_timestamp, state, recorded_at, send_attempts) VALUES "
                + "('acct_rctimer', ?, 'impressions', 't-1', 5, 'cus_rctimer', 'impressions', 'rc-timer-1', 0, "
                + "'reported', CURRENT_TIMESTAMP, 1)", period);
        Map<String, String> env = new HashMap<>();
        env.put("RECONCILE_SCHEDULE", "*/15 * *");
        BillingServer.restart(env);
        emptyInvoiceList(stripe);

        Await.until(FIRING, () -> db.count("SELECT COUNT(*) FROM reconcile_run WHERE run_trigger = 'schedule' "
                + "AND state = 'done' AND period = ?", period) >= 1, "the configured schedule to fire and finish a run");
        Await.until(Duration.ofSeconds(30), () -> db.count("SELECT COUNT(*) FROM operational_event WHERE "
                + "event_type = 'reconciliation_drift' AND detail LIKE '%missing_in_stripe%'") >= 1,
                "reconciliation_drift with the drift's kind");
        assertTrue(db.count("SELECT COUNT(*) FROM reconcile_drift WHERE kind = 'missing_in_stripe' "
                + "AND acct_id = 'acct_rctimer'") >= 1);
    }

    @Test
    void theDailyRunMissedWhileTheServerWasDownRunsAtTheNextStart(Db db, StripeApiStub stripe) {
        BillingServer.restart(Map.of());
        long before = db.count("SELECT COUNT(*) FROM reconcile_run WHERE run_trigger = 'schedule'");
        BillingServer.stopServer();
        // While the server is down, its 06:00 firing comes due: the stored next execution is in the past.
        int due = db.execute("UPDATE wlptasks.wlptask SET nextexec = ?", System.currentTimeMillis() - 60_000);
        assertTrue(due >= 1, "the daily timer is stored in the database");
        BillingServer.startServer();
        emptyInvoiceList(stripe);
        Await.until(FIRING, () -> db.count("SELECT COUNT(*) FROM reconcile_run WHERE run_trigger = 'schedule'") > before,
                "the missed daily firing to run after the start");
    }

    @Test
    void aRunKilledMidWayRestartsFromItsLastCheckpoint(Db db, StripeApiStub stripe) throws Exception {
        BillingServer.restart(Map.of());
        String perUnit = ReconciliationIT.tieredPrice(stripe, null, new long[][]{{-1, 15, 0}});
        List<String> invoices = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            invoices.add(ReconciliationIT.invoice(db, "acct_rccrash" + i, perUnit, 2, 30, "open", ReconciliationIT.usage(2)));
        }
        StripeInvoiceList.serve(stripe, invoices, 100);
        // the third page hangs: the run is killed while it waits, two pages staged and checkpointed
        stripe.wireMock().stubFor(get(urlPathEqualTo("/v1/invoices"))
                .withQueryParam("starting_after", equalTo(StripeInvoiceList.idOf(invoices.get(199))))
                .willReturn(okJson("{}").withFixedDelay(120_000)));
        AdminClient operator = new AdminClient().register();
        Thread request = new Thread(() -> {
            try {
                operator.get("/admin/reconcile?period=" + ReconciliationIT.PERIOD);
            } catch (AssertionError expected) {
                // the server is killed under this request
            }
        });
        request.setDaemon(true);
        request.start();
        Await.until(FIRING, () -> db.count("SELECT COUNT(*) FROM reconcile_run WHERE period = ? AND stripe_pages_done = 2",
                ReconciliationIT.PERIOD) == 1, "two pages staged");
        long runId = db.count("SELECT id FROM reconcile_run WHERE period = ?", ReconciliationIT.PERIOD);
        BillingServer.killServer();
        StripeInvoiceList.serve(stripe, invoices, 100);
        int firstPagesBefore = firstPageRequests(stripe);
        BillingServer.startServer();
        // At start the worker restarts the interrupted run's job from its checkpoint; it may finish
        // before anyone asks (a request during the run would join it, one after it starts a new run).
        Await.until(FIRING, () -> db.count("SELECT COUNT(*) FROM reconcile_run WHERE id = ? AND state = 'done'", runId) == 1,
                "the interrupted run resumed and finished: " + db.rows("SELECT * FROM reconcile_run WHERE id = ?", runId));
        assertEquals(250, db.count("SELECT COUNT(*) FROM reconcile_bill WHERE run_id = ?", runId));
        assertEquals(firstPagesBefore, firstPageRequests(stripe), "the restarted run did not list from the start again");
        assertEquals(1, db.count("SELECT COUNT(*) FROM reconcile_run WHERE period = ?", ReconciliationIT.PERIOD),
                "no second run was started for the period");
        operator.register();
        JsonObject report = AdminClient.json(operator.get("/admin/reconcile/runs/" + runId));
        assertEquals("clean", report.getString("status"), report.toString());
        operator.unregister();
    }

    private static int firstPageRequests(StripeApiStub stripe) {
        return (int) stripe.requests("GET", "/v1/invoices").stream()
                .filter(r -> !r.getUrl().contains("starting_after")).count();
    }

    private static void emptyInvoiceList(StripeApiStub stripe) {
        stripe.wireMock().stubFor(get(urlPathEqualTo("/v1/invoices"))
                .willReturn(okJson("{\"object\":\"list\",\"data\":[],\"has_more\":false,\"url\":\"/v1/invoices\"}")));
    }
}
