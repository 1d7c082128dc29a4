package com.adventive.billing.it;

import com.adventive.billing.it.support.Await;
import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.MeterEventStub;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.StripeBillingStub;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.adventive.billing.it.AdminClient.json;
import static com.adventive.billing.it.UsageIngestIT.account;
import static com.adventive.billing.it.UsageIngestIT.batch;
import static com.adventive.billing.it.UsageIngestIT.record;
import static com.adventive.billing.it.UsageIngestIT.statuses;
import static com.adventive.billing.it.UsageIngestIT.thisPeriod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Usage corrections, the pace and backoff of reporting, and the ledger checked against Stripe's
 * meter event summaries.
 */
@BillingIT
class UsageAdjustmentsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @RegisterExtension
    final AdminClient operator = new AdminClient();

    @AfterEach
    void reportRateBackToDefault() {
        BillingServer.removeSecret("USAGE_REPORT_RATE");
        BillingServer.removeSecret("WORK_MAX_ATTEMPTS");
    }

    static String adjustment(String acct, String period, long quantity, String id, String reason) {
        return "{\"acct_id\":\"" + acct + "\",\"period\":\"" + period + "\",\"metric\":\"impressions\",\"quantity\":"
                + quantity + ",\"adjustment_id\":\"" + id + "\",\"reason\":\"" + reason + "\"}";
    }

    @Test
    void aPositiveAdjustmentIsOneMoreMeterEventAndANegativeOneAwaitsACreditNote(Db db, StripeApiStub stripe) {
        MeterEventStub meter = new MeterEventStub(stripe).accepting();
        String acct = account(db, "stripe");
        String period = thisPeriod();

        HttpResponse<String> added = operator.post("/admin/usage/adjustments",
                adjustment(acct, period, 500, "TICKET-1", "missed batch 2026-11-03"));
        assertEquals(201, added.statusCode(), added.body());
        JsonObject answer = json(added);
        assertEquals("accepted", answer.getString("status"));
        assertEquals("recorded", answer.getString("state"));
        HttpResponse<String> again = operator.post("/admin/usage/adjustments",
                adjustment(acct, period, 500, "TICKET-1", "missed batch 2026-11-03"));
        assertEquals(200, again.statusCode(), again.body());
        assertEquals("duplicate", json(again).getString("status"));
        assertEquals(answer.getJsonNumber("record_id").longValue(), json(again).getJsonNumber("record_id").longValue());
        HttpResponse<String> other = operator.post("/admin/usage/adjustments",
                adjustment(acct, period, 600, "TICKET-1", "typo"));
        assertEquals(409, other.statusCode(), other.body());
        assertTrue(other.body().contains("adjustment_conflict"), other.body());

        HttpResponse<String> takenBack = operator.post("/admin/usage/adjustments",
                adjustment(acct, period, -200, "TICKET-2", "batch 2026-11-04 counted twice"));
        assertEquals(201, takenBack.statusCode(), takenBack.body());
        assertEquals("credit_due", json(takenBack).getString("state"));
        assertTrue(json(takenBack).getString("handling").contains("credit-notes"), takenBack.body());

        Await.until(TIMEOUT, () -> db.count("SELECT COUNT(*) FROM usage_record WHERE acct_id = ? AND state = 'reported'",
                acct) == 1, "the positive adjustment to be reported");
        String customer = (String) db.rows("SELECT stripe_customer_id FROM billing_account WHERE acct_id = ?", acct)
                .get(0).get("stripe_customer_id");
        List<MeterEventStub.Sent> sent = meter.sent().stream()
                .filter(s -> customer.equals(s.form().get("payload[stripe_customer_id]"))).toList();
        assertEquals(1, sent.size(), "one meter event, for the positive adjustment only: " + sent);
        assertEquals("500", sent.get(0).form().get("payload[value]"));

        List<Map<String, Object>> entries = db.rows("SELECT * FROM usage_record WHERE acct_id = ? ORDER BY id", acct);
        assertEquals(2, entries.size(), "history is never edited: two new entries");
        assertEquals("adjustment", entries.get(1).get("entry_kind"));
        assertEquals(-200L, ((Number) entries.get(1).get("quantity")).longValue());
        assertEquals(operator.clientId(), entries.get(1).get("recorded_by"), "who comes from the principal");
        assertEquals(0, db.count("SELECT COUNT(*) FROM work_item WHERE kind = 'usage.report' AND subject = ?",
                String.valueOf(entries.get(1).get("id"))), "a negative adjustment is never sent");
        assertEquals(1, db.count("SELECT COUNT(*) FROM operational_event WHERE event_type = 'usage_credit_due' AND acct_id = ?",
                acct));
        assertTrue(db.count("SELECT COUNT(*) FROM admin_audit WHERE path LIKE '%/admin/usage/adjustments'") >= 4,
                "every adjustment call is audited");

        JsonObject view = json(operator.get("/admin/usage?account=" + acct + "&period=" + period));
        List<String> kinds = new ArrayList<>();
        view.getJsonArray("totals").getValuesAs(JsonObject.class)
                .forEach(t -> kinds.add(t.getString("kind") + ":" + t.getString("state") + ":" + t.getJsonNumber("quantity")));
        assertTrue(kinds.contains("adjustment:credit_due:-200"), kinds.toString());
        assertTrue(kinds.contains("adjustment:reported:500"), kinds.toString());
    }

    @Test
    void aLegacyAccountOrAnAdjustmentWithoutReasonIsRefused(Db db) {
        String legacy = account(db, "legacy");
        HttpResponse<String> refused = operator.post("/admin/usage/adjustments",
                adjustment(legacy, thisPeriod(), 5, "T-3", "x"));
        assertEquals(409, refused.statusCode(), refused.body());
        String acct = account(db, "stripe");
        HttpResponse<String> noReason = operator.post("/admin/usage/adjustments",
                "{\"acct_id\":\"" + acct + "\",\"period\":\"" + thisPeriod() + "\",\"metric\":\"impressions\","
                        + "\"quantity\":5,\"adjustment_id\":\"T-4\"}");
        assertEquals(400, noReason.statusCode(), noReason.body());
        HttpResponse<String> zero = operator.post("/admin/usage/adjustments", adjustment(acct, thisPeriod(), 0, "T-5", "x"));
        assertEquals(400, zero.statusCode(), zero.body());
        assertEquals(0, db.count("SELECT COUNT(*) FROM usage_record WHERE acct_id IN (?, ?)", legacy, acct));
    }

    @Test
    void stripeAnswering429IsBackedOffAndTheEventIsCountedOnce(Db db, StripeApiStub stripe) {
        MeterEventStub meter = new MeterEventStub(stripe).failingOnceWith(429);
        String acct = account(db, "stripe");
        assertEquals(List.of("accepted"), statuses(json(operator.post("/usage",
                record(acct, thisPeriod(), "impressions", "77", "throttled-1")))));
        Await.until(TIMEOUT, () -> db.count("SELECT COUNT(*) FROM usage_record WHERE acct_id = ? AND state = 'reported'",
                acct) == 1, "the record to be reported after the 429");
        String identifier = (String) db.rows("SELECT meter_identifier FROM usage_record WHERE acct_id = ?", acct)
                .get(0).get("meter_identifier");
        List<MeterEventStub.Sent> sent = meter.sent().stream().filter(s -> identifier.equals(s.identifier())).toList();
        assertTrue(sent.size() >= 2, "the 429 was retried: " + sent);
        assertEquals(429, sent.get(0).status());
        assertEquals(1, sent.stream().filter(s -> s.status() == 200).count(), "counted once: " + sent);
        assertTrue(sent.stream().allMatch(s -> identifier.equals(s.idempotencyKey())), "same key on every attempt");
    }

    @Test
    void reportsKeepToTheConfiguredRate(Db db, StripeApiStub stripe) {
        int rate = 2;
        BillingServer.writeSecret("USAGE_REPORT_RATE", Integer.toString(rate));
        new MeterEventStub(stripe).accepting();
        String acct = account(db, "stripe");
        String[] records = new String[12];
        for (int i = 0; i < records.length; i++) {
            records[i] = record(acct, thisPeriod(), "impressions", "1", "paced-" + i);
        }
        assertEquals(12, json(operator.post("/usage", batch(records))).getInt("accepted"));
        Await.until(TIMEOUT, () -> db.count("SELECT COUNT(*) FROM usage_record WHERE acct_id = ? AND state = 'reported'",
                acct) == 12, "all twelve records to be reported");

        String customer = (String) db.rows("SELECT stripe_customer_id FROM billing_account WHERE acct_id = ?", acct)
                .get(0).get("stripe_customer_id");
        List<Long> times = stripe.wireMock().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().startsWith(MeterEventStub.PATH)
                        && e.getRequest().getBodyAsString().contains(customer))
                .map(e -> e.getRequest().getLoggedDate().getTime()).sorted().toList();
        assertEquals(12, times.size());
        // The limiter hands out `rate` permits per one-second cycle; a sliding second can straddle
        // two cycles, so at most twice the rate fall in any one second. Unpaced, all twelve would.
        int busiest = 0;
        for (int i = 0; i < times.size(); i++) {
            int inWindow = 0;
            for (int j = i; j < times.size() && times.get(j) - times.get(i) < 1000; j++) {
                inWindow++;
            }
            busiest = Math.max(busiest, inWindow);
        }
        assertTrue(busiest <= 2 * rate, "at most " + 2 * rate + " meter events in any second, saw " + busiest + ": " + times);
    }

    @Test
    void aReportBacklogIsWokenAtItsPaceNotByTheSweeper(Db db, StripeApiStub stripe) {
        BillingServer.writeSecret("USAGE_REPORT_RATE", "1");
        new MeterEventStub(stripe).accepting();
        String acct = account(db, "stripe");
        String[] records = new String[12];
        for (int i = 0; i < records.length; i++) {
            records[i] = record(acct, thisPeriod(), "impressions", "1", "backlog-" + i);
        }
        assertEquals(12, json(operator.post("/usage", batch(records))).getInt("accepted"));
        // The sweeper runs every second here: by the time two are reported it has swept at least
        // once. Woken by it, all twelve would have been claimed and deferred (touched); woken at
        // the pace, only those the waker handed out were.
        Await.until(TIMEOUT, () -> db.count("SELECT COUNT(*) FROM usage_record WHERE acct_id = ? AND state = 'reported'",
                acct) >= 2, "two records to be reported");
        String ofThisAccount = "SELECT COUNT(*) FROM work_item w JOIN usage_record r ON w.subject = CAST(r.id AS VARCHAR(40)) "
                + "WHERE w.kind = 'usage.report' AND r.acct_id = ? AND ";
        long reported = db.count(ofThisAccount + "w.state = 'done'", acct);
        long touched = db.count(ofThisAccount + "(w.updated_at <> w.created_at OR w.enqueued_at IS NOT NULL)", acct);
        assertTrue(touched <= reported + 3, touched + " report items woken while " + reported + " were reported at 1/s");
        long created = db.count(ofThisAccount + "1 = 1", acct);
        assertTrue(created <= reported + 3, created + " report items created while " + reported + " were reported at 1/s: "
                + "the backlog waits in the ledger, not as work items");
        Await.until(TIMEOUT, () -> db.count("SELECT COUNT(*) FROM usage_record WHERE acct_id = ? AND state = 'reported'",
                acct) == 12, "the whole backlog to be reported at its pace");
    }

    @Test
    void whileStripeFailsTheBacklogWaitsInTheLedgerNotAsRetryingWorkItems(Db db, StripeApiStub stripe)
            throws InterruptedException {
        BillingServer.writeSecret("USAGE_REPORT_RATE", "2");
        BillingServer.writeSecret("WORK_MAX_ATTEMPTS", "20"); // still retrying when Stripe answers again
        MeterEventStub meter = new MeterEventStub(stripe).alwaysFailingWith(500);
        String acct = account(db, "stripe");
        String[] records = new String[20];
        for (int i = 0; i < records.length; i++) {
            records[i] = record(acct, thisPeriod(), "impressions", "1", "failing-" + i);
        }
        assertEquals(20, json(operator.post("/usage", batch(records))).getInt("accepted"));
        String customer = (String) db.rows("SELECT stripe_customer_id FROM billing_account WHERE acct_id = ?", acct)
                .get(0).get("stripe_customer_id");
        Await.until(TIMEOUT, () -> meter.sent().stream()
                .filter(s -> customer.equals(s.form().get("payload[stripe_customer_id]"))).count() >= 4,
                "sends to Stripe to have failed and been retried");
        Thread.sleep(4_000); // four more turns of the waker while those items retry
        long created = db.count("SELECT COUNT(*) FROM work_item w JOIN usage_record r "
                + "ON w.subject = CAST(r.id AS VARCHAR(40)) WHERE w.kind = 'usage.report' AND r.acct_id = ?", acct);
        assertTrue(created <= 3, created + " report items of 20 records created while Stripe failed at a pace of 2/s: "
                + "no more report work is pending than a second's pace");
        assertEquals(0, db.count("SELECT COUNT(*) FROM usage_record WHERE acct_id = ? AND state = 'reported'", acct));
        meter.accepting();
        Await.until(TIMEOUT, () -> db.count("SELECT COUNT(*) FROM usage_record WHERE acct_id = ? AND state = 'reported'",
                acct) == 20, "the whole backlog reported once Stripe answers again");
    }

    @Test
    void theLedgerIsComparedWithStripesMeterEventSummaries(Db db, StripeApiStub stripe) {
        new MeterEventStub(stripe).accepting();
        String acct = account(db, "stripe");
        String period = thisPeriod();
        assertEquals(2, json(operator.post("/usage", batch(
                record(acct, period, "impressions", "100", "check-a"),
                record(acct, period, "impressions", "50", "check-b")))).getInt("accepted"));
        Await.until(TIMEOUT, () -> db.count("SELECT COUNT(*) FROM usage_record WHERE acct_id = ? AND state = 'reported'",
                acct) == 2, "both records to be reported");
        String customer = (String) db.rows("SELECT stripe_customer_id FROM billing_account WHERE acct_id = ?", acct)
                .get(0).get("stripe_customer_id");

        StripeBillingStub billing = new StripeBillingStub(stripe).meter("mtr_harness_impressions", "impressions")
                .summaries("mtr_harness_impressions", customer, new BigDecimal(150));
        HttpResponse<String> same = operator.get("/admin/usage/stripe-check?account=" + acct + "&period=" + period);
        assertEquals(200, same.statusCode(), same.body());
        assertEquals("match", json(same).getString("status"), same.body());
        JsonObject metric = json(same).getJsonArray("metrics").getJsonObject(0);
        assertEquals(150, metric.getJsonNumber("ledger_reported").longValue());
        var asked = stripe.requests("GET", "/v1/billing/meters/mtr_harness_impressions/event_summaries");
        assertTrue(asked.get(asked.size() - 1).getUrl().contains("customer=" + customer), asked.toString());

        billing.summaries("mtr_harness_impressions", customer, new BigDecimal(250));
        JsonObject doubled = json(operator.get("/admin/usage/stripe-check?account=" + acct + "&period=" + period));
        assertEquals("differs", doubled.getString("status"), doubled.toString());
        JsonObject higher = doubled.getJsonArray("metrics").getJsonObject(0);
        assertEquals("stripe_higher", higher.getString("verdict"));
        assertEquals(100, higher.getJsonNumber("difference").longValue());
    }
}
