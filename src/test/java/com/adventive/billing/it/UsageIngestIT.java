package com.adventive.billing.it;

import com.adventive.billing.it.support.Await;
import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.MeterEventStub;
import com.adventive.billing.it.support.StripeApiStub;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;

import static com.adventive.billing.it.AdminClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /usage: a batch is judged record by record, stored once per key, and refused unauthenticated. */
@BillingIT
class UsageIngestIT {

    static final Duration REPORT_TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    final AdminClient platform = new AdminClient();

    static String thisPeriod() {
        return YearMonth.now(ZoneOffset.UTC).toString();
    }

    static String account(Db db, String billedBy) {
        String acct = Fixtures.stripeId("acct_", 16);
        db.execute("INSERT INTO billing_account (acct_id, stripe_customer_id, billed_by, display_name, updated_at) "
                + "VALUES (?, ?, ?, 'Usage test', CURRENT_TIMESTAMP)", acct, Fixtures.stripeId("cus_", 14), billedBy);
        return acct;
    }

    static String record(String acct, String period, String metric, String quantity, String sourceId) {
        return "{\"acct_id\":\"" + acct + "\",\"period\":\"" + period + "\",\"metric\":\"" + metric
                + "\",\"quantity\":" + quantity + (sourceId == null ? "" : ",\"source_id\":\"" + sourceId + "\"") + "}";
    }

    static String batch(String... records) {
        return "{\"records\":[" + String.join(",", records) + "]}";
    }

    static List<String> statuses(JsonObject answer) {
        return answer.getJsonArray("results").getValuesAs(JsonObject.class).stream()
                .map(r -> r.getString("status")).toList();
    }

    @Test
    void aMixedBatchKeepsTheGoodRecordsAndSaysWhatBecameOfEachOne(Db db, StripeApiStub stripe) {
        MeterEventStub meter = new MeterEventStub(stripe).accepting();
        String acct = account(db, "stripe");
        String legacy = account(db, "legacy");
        String period = thisPeriod();
        String old = YearMonth.now(ZoneOffset.UTC).minusMonths(2).toString();
        String future = YearMonth.now(ZoneOffset.UTC).plusMonths(1).toString();

        HttpResponse<String> first = platform.post("/usage", batch(
                record(acct, period, "impressions", "1000", "batch-1/a"),          // 0 accepted
                record(acct, period, "impressions", "250", "batch-1/b"),           // 1 accepted
                record(acct, period, "impressions", "1000", "batch-1/a"),          // 2 duplicate of 0
                record(acct, period, "impressions", "999", "batch-1/b"),           // 3 conflict with 1
                record(legacy, period, "impressions", "5", "batch-1/c"),           // 4 legacy account
                record("acct_NoSuchAccount00", period, "impressions", "5", "x"),   // 5 unknown account
                record(acct, period, "clicks", "5", "batch-1/d"),                  // 6 unknown metric
                record(acct, period, "impressions", "-1", "batch-1/e"),            // 7 negative
                record(acct, period, "impressions", "1.5", "batch-1/f"),           // 8 not whole
                record(acct, future, "impressions", "5", "batch-1/g"),             // 9 future period
                record(acct, old, "impressions", "5", "batch-1/h"),                // 10 too old for Stripe
                record(acct, period, "impressions", "5", null),                    // 11 no source_id
                record(acct, "2026-13", "impressions", "5", "batch-1/i"),          // 12 not a month
                record(acct, period, "impressions", "1000000000", "batch-1/j"))); // 13 at the bound
        assertEquals(200, first.statusCode(), first.body());
        JsonObject answer = json(first);
        assertEquals(List.of("accepted", "accepted", "duplicate", "conflict", "rejected", "rejected", "rejected",
                "rejected", "rejected", "rejected", "rejected", "rejected", "rejected", "rejected"), statuses(answer),
                first.body());
        assertEquals(2, answer.getInt("accepted"));
        assertEquals(1, answer.getInt("duplicate"));
        assertEquals(1, answer.getInt("conflict"));
        assertEquals(10, answer.getInt("rejected"));
        JsonArray results = answer.getJsonArray("results");
        assertTrue(results.getJsonObject(4).getString("reason").contains("legacy"), first.body());
        for (int i = 4; i < 14; i++) {
            assertEquals(i, results.getJsonObject(i).getInt("index"));
            assertTrue(!results.getJsonObject(i).getString("reason").isBlank(), first.body());
        }

        HttpResponse<String> again = platform.post("/usage", batch(
                record(acct, period, "impressions", "1000", "batch-1/a"),
                record(acct, period, "impressions", "1001", "batch-1/a"),
                record(acct, period, "impressions", "7", "batch-2/a")));
        assertEquals(200, again.statusCode(), again.body());
        assertEquals(List.of("duplicate", "conflict", "accepted"), statuses(json(again)), again.body());

        assertEquals(3, db.count("SELECT COUNT(*) FROM usage_record WHERE acct_id = ?", acct));
        assertEquals(0, db.count("SELECT COUNT(*) FROM usage_record WHERE acct_id = ?", legacy),
                "a refused record is not stored");
        assertEquals(1257, db.count("SELECT SUM(quantity) FROM usage_record WHERE acct_id = ?", acct));

        Await.until(REPORT_TIMEOUT, () -> db.count("SELECT COUNT(*) FROM usage_record WHERE acct_id = ? "
                + "AND state = 'reported'", acct) == 3, "the three accepted records to be reported");
        List<String> identifiers = db.rows("SELECT meter_identifier FROM usage_record WHERE acct_id = ?", acct)
                .stream().map(r -> (String) r.get("meter_identifier")).toList();
        List<MeterEventStub.Sent> counted = meter.counted().stream()
                .filter(s -> identifiers.contains(s.identifier())).toList();
        assertEquals(3, counted.size(), "one meter event per accepted record");
        assertEquals(3, counted.stream().map(MeterEventStub.Sent::identifier).distinct().count());
        assertEquals(3, db.count("SELECT COUNT(*) FROM work_item WHERE kind = 'usage.report' AND subject IN "
                + "(SELECT CAST(id AS VARCHAR(30)) FROM usage_record WHERE acct_id = ?)", acct),
                "one report work item per accepted record, created at the reporting pace");
        assertEquals(0, db.count("SELECT COUNT(*) FROM usage_record WHERE acct_id = ? AND report_queued_at IS NULL", acct));

        HttpResponse<String> view = platform.get("/admin/usage?account=" + acct + "&period=" + period);
        assertEquals(200, view.statusCode(), view.body());
        JsonObject usage = json(view);
        assertEquals(3, usage.getJsonArray("records").size());
        JsonObject total = usage.getJsonArray("totals").getJsonObject(0);
        assertEquals("impressions", total.getString("metric"));
        assertEquals("reported", total.getString("state"));
        assertEquals(3, total.getInt("records"));
        assertEquals(1257, total.getJsonNumber("quantity").longValue());
        assertEquals(platform.clientId(), usage.getJsonArray("records").getJsonObject(0).getString("recorded_by"));
    }

    @Test
    void aSingleRecordIsABatchOfOne(Db db, StripeApiStub stripe) {
        new MeterEventStub(stripe).accepting();
        String acct = account(db, "stripe");
        HttpResponse<String> answer = platform.post("/usage", record(acct, thisPeriod(), "impressions", "3", "single-1"));
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(List.of("accepted"), statuses(json(answer)));
    }

    @Test
    void aLegacyAccountsUsageIsRefusedAndNotStored(Db db) {
        String legacy = account(db, "legacy");
        HttpResponse<String> answer = platform.post("/usage", record(legacy, thisPeriod(), "impressions", "3", "l-1"));
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(List.of("rejected"), statuses(json(answer)));
        assertEquals(0, db.count("SELECT COUNT(*) FROM usage_record WHERE acct_id = ?", legacy));
        assertEquals(0, db.count("SELECT COUNT(*) FROM work_item WHERE kind = 'usage.report'"
                + " AND subject NOT IN (SELECT CAST(id AS VARCHAR(30)) FROM usage_record)"));
    }

    @Test
    void anUnreadableOrOversizedBatchIsAProblemAndStoresNothing(Db db) {
        String acct = account(db, "stripe");
        HttpResponse<String> notJson = platform.post("/usage", "{not json");
        assertEquals(400, notJson.statusCode(), notJson.body());
        String tooMany = batch(java.util.stream.IntStream.range(0, 1001)
                .mapToObj(i -> record(acct, thisPeriod(), "impressions", "1", "big-" + i)).toArray(String[]::new));
        HttpResponse<String> oversized = platform.post("/usage", tooMany);
        assertEquals(400, oversized.statusCode(), oversized.body());
        assertEquals(0, db.count("SELECT COUNT(*) FROM usage_record WHERE acct_id = ?", acct));
    }

    @Test
    void withoutCredentialsNothingIsStoredAndTheRefusalIsAudited(Db db) throws Exception {
        String acct = account(db, "stripe");
        long auditBefore = db.count("SELECT COUNT(*) FROM admin_audit");
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(BillingServer.url("/usage")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(record(acct, thisPeriod(), "impressions", "3", "anon-1")))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, answer.statusCode(), answer.body());
        assertEquals(0, db.count("SELECT COUNT(*) FROM usage_record WHERE acct_id = ?", acct));
        assertTrue(db.count("SELECT COUNT(*) FROM admin_audit") > auditBefore, "the refused call is audited");
    }
}
