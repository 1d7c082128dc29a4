package com.adventive.billing.it;

import com.adventive.billing.it.support.Await;
import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static com.adventive.billing.it.AdminClient.json;
import static com.adventive.billing.it.UsageIngestIT.account;
import static com.adventive.billing.it.UsageIngestIT.record;
import static com.adventive.billing.it.UsageIngestIT.thisPeriod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Batches racing on the same keys: the unique key decides. Four callers post the same 1,000 keys
 * at once (their connections opened first, then released together), each in its own order, one of them with other quantities for a third of the keys. Every
 * call is answered 200 (a batch that loses a race for a key rolls back and is judged again: the
 * server's FFDC shows the unique-key failure the retry absorbs); each key is stored, and given report
 * work, exactly once; exactly one answer says accepted for it, and every other answer names the
 * same record as duplicate, or conflict where its quantity differs from the one stored.
 */
@BillingIT
class UsageIngestRaceIT {

    private static final int KEYS = 1_000;
    private static final int CALLERS = 4;

    @RegisterExtension
    final AdminClient platform = new AdminClient();

    @Test
    void concurrentBatchesWithTheSameKeysStoreEachKeyOnceAndAnswerDuplicateOrConflict(Db db) throws Exception {
        String acct = account(db, "stripe");
        String period = thisPeriod();
        List<List<Integer>> orders = new ArrayList<>();
        for (int c = 0; c < CALLERS; c++) {
            List<Integer> order = new ArrayList<>();
            for (int k = 0; k < KEYS; k++) {
                order.add(k);
            }
            // different orders: a batch that inserted in the order it was sent could deadlock with another
            Collections.shuffle(order, new java.util.Random(c));
            orders.add(order);
        }
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        List<Future<HttpResponse<String>>> calls = new ArrayList<>();
        CountDownLatch ready = new CountDownLatch(CALLERS);
        CountDownLatch go = new CountDownLatch(1);
        try {
            for (int c = 0; c < CALLERS; c++) {
                int caller = c;
                Callable<HttpResponse<String>> call = () -> {
                    List<String> records = new ArrayList<>();
                    for (int k : orders.get(caller)) {
                        records.add(record(acct, period, "impressions", Long.toString(quantity(caller, k)), "race-" + k));
                    }
                    String body = UsageIngestIT.batch(records.toArray(String[]::new));
                    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(Duration.ofSeconds(10)).build();
                    // the connection opened (and the server warm) before the race starts
                    try {
                        post(http, "{\"records\":[]}"); // refused as a 400, stores nothing
                    } finally {
                        ready.countDown();
                    }
                    go.await();
                    return post(http, body);
                };
                calls.add(pool.submit(call));
            }
            ready.await();
            go.countDown();
            Map<Integer, Long> acceptedAs = new HashMap<>();
            Map<Integer, Integer> acceptedTimes = new HashMap<>();
            List<Map<Integer, JsonObject>> answers = new ArrayList<>();
            for (int c = 0; c < CALLERS; c++) {
                HttpResponse<String> response = calls.get(c).get();
                assertEquals(200, response.statusCode(), response.body());
                Map<Integer, JsonObject> byKey = new HashMap<>();
                List<JsonObject> results = json(response).getJsonArray("results").getValuesAs(JsonObject.class);
                for (int i = 0; i < KEYS; i++) {
                    int key = orders.get(c).get(i);
                    JsonObject result = results.get(i);
                    assertEquals(i, result.getInt("index"));
                    byKey.put(key, result);
                    if ("accepted".equals(result.getString("status"))) {
                        acceptedTimes.merge(key, 1, Integer::sum);
                        acceptedAs.put(key, result.getJsonNumber("record_id").longValue());
                    }
                }
                answers.add(byKey);
            }
            for (int k = 0; k < KEYS; k++) {
                assertEquals(1, acceptedTimes.getOrDefault(k, 0), "key race-" + k + " accepted exactly once");
            }
            for (int k = 0; k < KEYS; k++) {
                Long id = acceptedAs.get(k);
                long stored = db.count("SELECT quantity FROM usage_record WHERE id = ?", id);
                for (int c = 0; c < CALLERS; c++) {
                    JsonObject result = answers.get(c).get(k);
                    assertNotNull(result.get("record_id"), result.toString());
                    assertEquals(id.longValue(), result.getJsonNumber("record_id").longValue(), result.toString());
                    String expected = "accepted".equals(result.getString("status")) ? "accepted"
                            : quantity(c, k) == stored ? "duplicate" : "conflict";
                    assertEquals(expected, result.getString("status"), "caller " + c + ", key race-" + k + ": " + result);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(KEYS, db.count("SELECT COUNT(*) FROM usage_record WHERE acct_id = ?", acct));
        String reportWork = "SELECT COUNT(*) FROM work_item WHERE kind = 'usage.report' AND subject IN "
                + "(SELECT CAST(id AS VARCHAR(30)) FROM usage_record WHERE acct_id = ?)";
        Await.until(Duration.ofSeconds(60), () -> db.count("SELECT COUNT(*) FROM usage_record WHERE acct_id = ? "
                + "AND report_queued_at IS NULL", acct) == 0, "every record's report work to be created");
        assertEquals(KEYS, db.count(reportWork, acct), "one report work item per stored key");
    }

    /**
     * Each caller on its own HTTP/1.1 connection, as separate metering clients would be: several
     * first requests with bodies racing to upgrade one connection to h2c made Liberty answer
     * GOAWAY (SRVE0315E, a NullPointerException in H2HandlerImpl), which is not what this tests.
     */
    private HttpResponse<String> post(HttpClient http, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(BillingServer.url("/usage")))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json")
                .header("CF-Access-Client-Id", platform.clientId())
                .header("CF-Access-Client-Secret", platform.secret())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The last caller sends other quantities for every third key: conflicts wherever it did not win. */
    private static long quantity(int caller, int key) {
        return 100 + key + (caller == CALLERS - 1 && key % 3 == 0 ? 1 : 0);
    }
}
