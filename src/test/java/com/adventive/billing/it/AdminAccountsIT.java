package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Bucket;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.adventive.billing.it.AccountResolutionIT.awaitTerminalState;
import static com.adventive.billing.it.AccountResolutionIT.newAcctId;
import static com.adventive.billing.it.AdminClient.json;
import static com.adventive.billing.it.WorkAssertions.invoiceRow;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operator's door to the account table: PUT, GET and list /admin/accounts, validated and audited. */
@BillingIT
class AdminAccountsIT {

    @RegisterExtension
    final AdminClient admin = new AdminClient();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void putCreatesThenUpdatesAnAccountAndGetAnswersWhatIsStored(Db db) {
        String acct = newAcctId();
        String customer = newCustomerId();
        long auditBefore = lastAuditId(db);

        HttpResponse<String> created = put(acct, body(customer, "legacy"));
        assertEquals(201, created.statusCode(), created.body());
        assertTrue(created.headers().firstValue("Location").orElse("").endsWith("/admin/accounts/" + acct),
                created.headers().toString());
        assertAccount(json(created), acct, customer, "legacy");

        HttpResponse<String> read = admin.get("/admin/accounts/" + acct);
        assertEquals(200, read.statusCode(), read.body());
        assertAccount(json(read), acct, customer, "legacy");
        assertEquals(admin.clientId(), json(read).getString("updated_by"));
        assertFalse(json(read).isNull("updated_at"));

        HttpResponse<String> again = put(acct, body(customer, "legacy"));
        assertEquals(200, again.statusCode(), "repeating a PUT changes nothing: " + again.body());

        HttpResponse<String> flipped = put(acct, body(customer, "stripe"));
        assertEquals(200, flipped.statusCode(), flipped.body());
        assertAccount(json(flipped), acct, customer, "stripe");
        assertAccount(json(admin.get("/admin/accounts/" + acct)), acct, customer, "stripe");
        assertEquals(List.of(Map.of("acct_id", acct, "billed_by", "stripe", "stripe_customer_id", customer)),
                db.rows("SELECT acct_id, billed_by, stripe_customer_id FROM billing_account WHERE acct_id = ?", acct));

        List<Map<String, Object>> changes = db.rows("SELECT detail FROM operational_event "
                + "WHERE event_type = 'account_changed' AND acct_id = ? ORDER BY id", acct);
        assertEquals(2, changes.size(), "one event per change, none for the repeat: " + changes);
        String flip = (String) changes.get(1).get("detail");
        assertTrue(flip.contains("legacy") && flip.contains("stripe") && flip.contains(admin.clientId()), flip);

        List<Map<String, Object>> audit = db.rows("SELECT method, path, target, status, outcome, principal_id "
                + "FROM admin_audit WHERE id > ? AND path LIKE ? ORDER BY id", auditBefore, "%" + acct + "%");
        assertEquals(List.of("PUT 201", "GET 200", "PUT 200", "PUT 200", "GET 200"),
                audit.stream().map(r -> r.get("method") + " " + r.get("status")).toList(), audit.toString());
        assertTrue(audit.stream().allMatch(r -> "allowed".equals(r.get("outcome"))
                && acct.equals(r.get("target")) && admin.clientId().equals(r.get("principal_id"))), audit.toString());
    }

    @Test
    void aCustomerMapsToExactlyOneAccount(Db db) {
        String first = newAcctId();
        String second = newAcctId();
        String customer = newCustomerId();
        assertEquals(201, put(first, body(customer, "stripe")).statusCode());

        HttpResponse<String> taken = put(second, body(customer, "stripe"));
        assertProblem(taken, 409, "customer_already_mapped");
        assertTrue(json(taken).getString("detail").contains(first), taken.body());
        assertProblem(admin.get("/admin/accounts/" + second), 404, "account_not_found");
        assertEquals(customer, json(admin.get("/admin/accounts/" + first)).getString("stripe_customer_id"));

        // mapping the first account to another customer frees this one
        assertEquals(200, put(first, body(newCustomerId(), "stripe")).statusCode());
        HttpResponse<String> now = put(second, body(customer, "legacy"));
        assertEquals(201, now.statusCode(), now.body());
        assertEquals(1, db.count("SELECT COUNT(*) FROM billing_account WHERE stripe_customer_id = ?", customer));
    }

    @Test
    void invalidRequestsAre400ProblemsWithAStableCodeAndChangeNothing(Db db) {
        String acct = newAcctId();
        String customer = newCustomerId();
        long accountsBefore = db.count("SELECT COUNT(*) FROM billing_account");

        assertProblem(put("not-an-account", body(customer, "stripe")), 400, "invalid_acct_id");
        assertProblem(put("acct_x'--", body(customer, "stripe")), 400, "invalid_acct_id");
        assertProblem(put("acct_" + "x".repeat(60), body(customer, "stripe")), 400, "invalid_acct_id");
        assertProblem(put(acct, body("cust_123", "stripe")), 400, "invalid_stripe_customer_id");
        assertProblem(put(acct, body("cus_../../etc", "stripe")), 400, "invalid_stripe_customer_id");
        assertProblem(put(acct, "{\"billed_by\":\"stripe\"}"), 400, "invalid_stripe_customer_id");
        assertProblem(put(acct, "{\"stripe_customer_id\":42,\"billed_by\":\"stripe\"}"), 400,
                "invalid_stripe_customer_id");
        assertProblem(put(acct, body(customer, "worker")), 400, "invalid_billed_by");
        assertProblem(put(acct, body(customer, "LEGACY")), 400, "invalid_billed_by");
        assertProblem(put(acct, "{\"stripe_customer_id\":\"" + customer + "\"}"), 400, "invalid_billed_by");
        assertProblem(put(acct, "not json"), 400, "invalid_body");
        assertProblem(put(acct, "[]"), 400, "invalid_body");
        assertProblem(put(acct, ""), 400, "invalid_body");
        assertProblem(put(acct, "{\"acct_id\":\"" + newAcctId() + "\",\"stripe_customer_id\":\"" + customer
                + "\",\"billed_by\":\"stripe\"}"), 400, "acct_id_mismatch");

        assertProblem(admin.get("/admin/accounts/not-an-account"), 400, "invalid_acct_id");
        assertProblem(admin.get("/admin/accounts?billed_by=worker"), 400, "invalid_billed_by");
        assertProblem(admin.get("/admin/accounts?limit=0"), 400, "invalid_limit");
        assertProblem(admin.get("/admin/accounts?limit=501"), 400, "invalid_limit");
        assertProblem(admin.get("/admin/accounts?limit=ten"), 400, "invalid_limit");
        assertProblem(admin.get("/admin/accounts?after=cus_123"), 400, "invalid_after");
        assertProblem(admin.get("/admin/accounts/" + acct), 404, "account_not_found");

        assertEquals(accountsBefore, db.count("SELECT COUNT(*) FROM billing_account"), "nothing was stored");

        // fields the API does not know are ignored, as elsewhere in the admin API; a matching acct_id is fine
        HttpResponse<String> extra = put(acct, "{\"acct_id\":\"" + acct + "\",\"stripe_customer_id\":\"" + customer
                + "\",\"billed_by\":\"stripe\",\"note\":\"cohort 3\"}");
        assertEquals(201, extra.statusCode(), extra.body());
    }

    @Test
    void theListIsPagedInAcctIdOrderAndFilteredByBillingSystem() {
        List<String> legacy = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String acct = newAcctId();
            legacy.add(acct);
            assertEquals(201, put(acct, body(newCustomerId(), "legacy")).statusCode());
        }
        String migrated = newAcctId();
        assertEquals(201, put(migrated, body(newCustomerId(), "stripe")).statusCode());

        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            HttpResponse<String> response = admin.get("/admin/accounts?billed_by=legacy&limit=2"
                    + (after == null ? "" : "&after=" + after));
            assertEquals(200, response.statusCode(), response.body());
            JsonObject page = json(response);
            assertTrue(page.getJsonArray("items").size() <= 2);
            for (JsonValue item : page.getJsonArray("items")) {
                assertEquals("legacy", item.asJsonObject().getString("billed_by"));
                seen.add(item.asJsonObject().getString("acct_id"));
            }
            after = page.isNull("next_after") ? null : page.getString("next_after");
            pages++;
        } while (after != null && pages < 1000);

        assertTrue(seen.containsAll(legacy), "every legacy account is listed: " + seen);
        assertFalse(seen.contains(migrated), "only legacy accounts");
        assertEquals(seen.stream().distinct().toList(), seen, "no account twice");
        JsonObject onePage = json(admin.get("/admin/accounts?billed_by=legacy&limit=500"));
        assertEquals(seen, onePage.getJsonArray("items").stream()
                .map(a -> a.asJsonObject().getString("acct_id")).toList(), "pages follow one stable order");

        JsonObject all = json(admin.get("/admin/accounts?limit=500"));
        assertTrue(all.getJsonArray("items").stream().anyMatch(
                a -> migrated.equals(a.asJsonObject().getString("acct_id"))), "no filter lists every system");
    }

    @Test
    void withoutCredentialsNothingIsReadOrChangedAndTheRefusalIsAudited(Db db) throws Exception {
        String acct = newAcctId();
        long auditBefore = lastAuditId(db);

        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(
                        BillingServer.url("/admin/accounts/" + acct)))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body(newCustomerId(), "stripe"))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertProblem(anonymous, 401, null);
        HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(
                BillingServer.url("/admin/accounts"))).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertProblem(list, 401, null);

        assertEquals(0, db.count("SELECT COUNT(*) FROM billing_account WHERE acct_id = ?", acct));
        List<Map<String, Object>> audit = db.rows("SELECT method, status, outcome FROM admin_audit "
                + "WHERE id > ? AND path LIKE '/admin/accounts%' ORDER BY id", auditBefore);
        assertEquals(List.of("PUT 401 refused", "GET 401 refused"), audit.stream()
                .map(r -> r.get("method") + " " + r.get("status") + " " + r.get("outcome")).toList(), audit.toString());
    }

    @Test
    void aCohortMovesFromTheLegacySystemToTheWorker(Db db, WebhookClient webhook, Mailbox mailbox, Bucket bucket,
                                                    StripeApiStub stripe) {
        String acct = newAcctId();
        String email = uniqueEmail("cohort");
        var before = Fixtures.invoiceFinalized().customerEmail(email).acctId(null).build();
        stripe.stubInvoice(before, 100);
        assertEquals(201, put(acct, body(before.customerId(), "legacy")).statusCode());

        assertEquals(200, webhook.postSigned(before.eventJson()).statusCode());
        assertEquals("skipped", awaitTerminalState(db, before.eventId()));
        assertEquals(1, db.count("SELECT COUNT(*) FROM operational_event WHERE event_type = 'double_billing_risk' "
                + "AND acct_id = ? AND stripe_invoice_id = ?", acct, before.invoiceId()));

        HttpResponse<String> moved = put(acct, body(before.customerId(), "stripe"));
        assertEquals(200, moved.statusCode(), moved.body());

        var after = Fixtures.invoiceFinalized().customerId(before.customerId()).customerEmail(email).acctId(null)
                .build();
        stripe.stubInvoice(after, 100);
        assertEquals(200, webhook.postSigned(after.eventJson()).statusCode());
        assertEquals("done", awaitTerminalState(db, after.eventId()));
        assertEquals(1, mailbox.waitFor(email, 1).size(), "only the invoice after the move is emailed");
        String key = (String) invoiceRow(db, after.invoiceId()).get("pdf_key");
        assertTrue(key.startsWith(acct + "/"), key);
        assertTrue(bucket.get(key).isPresent());
        assertTrue(bucket.keys().stream().noneMatch(k -> k.contains(before.invoiceId())));
        assertEquals(0, db.count("SELECT COUNT(*) FROM billing_invoice WHERE stripe_invoice_id = ?",
                before.invoiceId()), "the legacy-billed invoice left no record under the account");
    }

    @Test
    void theAccountCallsAreDescribedInOpenApi(WebhookClient client) {
        HttpResponse<String> openapi = client.get("/openapi");
        assertEquals(200, openapi.statusCode());
        for (String expected : List.of("/admin/accounts/{acct_id}", "/admin/accounts:", "customer_already_mapped",
                "billed_by")) {
            assertTrue(openapi.body().contains(expected), "OpenAPI describes " + expected);
        }
    }

    static String newCustomerId() {
        return Fixtures.stripeId("cus_", 14);
    }

    static String body(String customer, String billedBy) {
        return "{\"stripe_customer_id\":\"" + customer + "\",\"billed_by\":\"" + billedBy + "\"}";
    }

    private HttpResponse<String> put(String acctId, String json) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(BillingServer.url("/admin/accounts/" + acctId)))
                    .timeout(Duration.ofSeconds(60))
                    .header("CF-Access-Client-Id", admin.clientId())
                    .header("CF-Access-Client-Secret", admin.secret())
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("PUT failed: " + e, e);
        }
    }

    private static void assertAccount(JsonObject account, String acct, String customer, String billedBy) {
        assertEquals(acct, account.getString("acct_id"), account.toString());
        assertEquals(customer, account.getString("stripe_customer_id"), account.toString());
        assertEquals(billedBy, account.getString("billed_by"), account.toString());
    }

    private static void assertProblem(HttpResponse<String> response, int status, String code) {
        assertEquals(status, response.statusCode(), response.uri() + " → " + response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                response.uri() + " " + response.headers());
        JsonObject problem = json(response);
        assertEquals(status, problem.getInt("status"), response.body());
        assertNotNull(problem.getString("detail", null), response.body());
        if (code != null) {
            assertEquals(code, problem.getString("code"), response.body());
        }
    }

    private static long lastAuditId(Db db) {
        return db.count("SELECT COALESCE(MAX(id), 0) FROM admin_audit");
    }
}
