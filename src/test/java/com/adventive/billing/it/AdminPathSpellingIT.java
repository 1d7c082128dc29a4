package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.StripeInvoiceList;
import com.adventive.billing.it.support.Db;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every spelling of an admin path, sent byte for byte over a raw socket (java.net.http would
 * normalize some of them): each is refused (400/404) or authenticated like {@code /admin/…}
 * (401 without credentials, audited); none reaches an admin resource without credentials, none
 * answers 5xx. An operator token is configured throughout, so a call that slipped past the gate
 * would be answered by the resource, not by a missing configuration.
 */
@BillingIT
class AdminPathSpellingIT {

    /** Spellings of GET /admin/work (the failed-work list). */
    private static final List<String> WORK_LIST = List.of(
            "/admin/work",
            "//admin/work",
            "//admin//work",
            "/./admin/work",
            "/admin/./work",
            "/%2e/admin/work",
            "/%2E/admin/work",
            "/admin;x=1/work",
            "/admin;/work",
            "/;/admin/work",
            "/.;/admin/work",
            "/admin/work;jsessionid=abc",
            "/webhooks/../admin/work",
            "/webhooks/stripe/../../admin/work",
            "/health/../admin/work",
            "/webhooks/%2e%2e/admin/work",
            "/webhooks/%2E%2E/admin/work",
            "/webhooks%2f..%2fadmin/work",
            "/webhooks/..%2fadmin/work",
            "/admin/%2e%2e/admin/work",
            "/admin/work/..;/work",
            "/admin/nothing/../work",
            "/%61dmin/work",
            "/adm%69n/work",
            "/%61%64%6d%69%6e/work",
            "/%2561dmin/work",
            "/admin%2fwork",
            "/admin%2Fwork",
            "/ADMIN/work",
            "/Admin/work",
            "/admin/WORK",
            "/admin/work/",
            "/admin/work//",
            "/admin/work%20",
            "/admin/work%00",
            "/admin/work?state=failed",
            "/admin/work?state=failed#frag",
            "/admin\\work",
            "/\\admin/work",
            "/admin/work?state=%zz",
            "/admin/work?state=%",
            "/admin/work?limit=%C0%AF",
            "/admin/work?state=failed&state=",
            "/admin/work/%zz",
            "/%zzadmin/work",
            "/admin/work%",
            "/admin/" + "a".repeat(3000),
            "/admin/work?state=" + "f".repeat(3000));

    /** Other admin resources, including one outside the admin package (/admin/reconcile). */
    private static final List<String> OTHER_GETS = List.of(
            "/./admin/reconcile",
            "/webhooks/../admin/reconcile",
            "//admin/reconcile",
            "/admin;a=b/reconcile",
            "/%61dmin/reconcile",
            "/./admin/events",
            "/webhooks/../admin/events?limit=5",
            "/./admin/invoices/in_spelling123",
            "/webhooks/../admin/invoices/in_spelling123/pdf",
            "/admin/invoices/%zz",
            "/admin/invoices/in_%C0%AF",
            "/admin/invoices/in_" + "x".repeat(300),
            "/admin/events?since=%",
            "/admin/events?since=" + "9".repeat(400),
            "/admin/work/%ff/retry",
            "/admin/work/99999999999999999999999/retry");

    private static final List<String> POSTS = List.of(
            "/./admin/render-pdf",
            "/webhooks/../admin/render-pdf",
            "//admin/resend-invoice",
            "/admin;x=1/resend-invoice",
            "/%61dmin/render-pdf",
            "/./admin/work/1/retry",
            "/webhooks/../admin/work/1/retry");

    @RegisterExtension
    static final AdminClient operator = new AdminClient();

    @Test
    void noSpellingOfAnAdminPathGetsInWithoutCredentialsAndNoneAnswers5xx(Db db) {
        List<Runnable> checks = new ArrayList<>();
        for (String target : concat(WORK_LIST, OTHER_GETS)) {
            checks.add(check("GET", target, RawHttp.get(target)));
        }
        for (String target : POSTS) {
            byte[] body = "{\"invoice_id\":\"in_spelling123\"}".getBytes(StandardCharsets.UTF_8);
            checks.add(check("POST", target, RawHttp.post(target, body, "Content-Type: application/json")));
        }
        // absolute-form request target (what a proxy receives)
        String absolute = "http://localhost:" + com.adventive.billing.it.support.BillingServer.httpPort() + "/./admin/work";
        checks.add(check("GET", absolute, RawHttp.get(absolute)));
        assertAll(checks.stream().map(c -> c::run));
    }

    @Test
    void everySpellingAnswered401IsAuditedAsARefusal(Db db) {
        List<Runnable> checks = new ArrayList<>();
        for (String target : concat(WORK_LIST, OTHER_GETS)) {
            long before = lastAuditId(db);
            RawHttp.Response response = RawHttp.get(target);
            if (response.status() != 401) {
                continue;
            }
            List<Map<String, Object>> rows = db.rows("SELECT * FROM admin_audit WHERE id > ? ORDER BY id", before);
            checks.add(() -> {
                assertEquals(1, rows.size(), target + " → one audit row: " + rows);
                assertEquals("refused", rows.get(0).get("outcome"), target);
                assertEquals("credentials_missing", rows.get(0).get("reason"), target);
                assertEquals(401, rows.get(0).get("status"), target);
            });
        }
        assertTrue(!checks.isEmpty(), "some spellings are answered 401");
        assertAll(checks.stream().map(c -> c::run));
    }

    @Test
    void withCredentialsTheCanonicalPathStillWorksAndNoSpellingAnswers5xx(StripeApiStub stripe) {
        // /admin/reconcile lists the period's Stripe invoices: an empty period, so the answer is about the path
        StripeInvoiceList.serve(stripe, java.util.List.of(), 100);
        assertEquals(200, operator.get("/admin/work?state=failed").statusCode());
        String id = "CF-Access-Client-Id: " + operator.clientId();
        String secret = "CF-Access-Client-Secret: " + operator.secret();
        List<Runnable> checks = new ArrayList<>();
        for (String target : concat(WORK_LIST, OTHER_GETS)) {
            RawHttp.Response response = RawHttp.get(target, id, secret);
            String what = "GET " + target + " → " + response.status() + " " + response.body();
            System.out.println("[spelling+credentials] " + what.substring(0, Math.min(what.length(), 300)));
            checks.add(() -> assertTrue(response.status() < 500, "no 5xx: " + what));
        }
        for (String target : List.of("/admin/work?state=%zz", "/admin/work?state=%", "/admin/events?since=%")) {
            RawHttp.Response response = RawHttp.get(target, id, secret);
            checks.add(() -> {
                assertEquals(400, response.status(), target + " → " + response.body());
                assertTrue(response.body().contains("\"uri_malformed\""), target + " → " + response.body());
            });
        }
        assertAll(checks.stream().map(c -> c::run));
    }

    private static Runnable check(String method, String target, RawHttp.Response response) {
        String what = method + " " + target + " → " + response.status() + " " + response.body();
        System.out.println("[spelling] " + what.substring(0, Math.min(what.length(), 300)));
        return () -> {
            assertTrue(response.status() < 500, "no 5xx: " + what);
            assertTrue(response.status() == 400 || response.status() == 401 || response.status() == 404,
                    "refused (400/404) or authenticated (401), never let in: " + what);
        };
    }

    private static long lastAuditId(Db db) {
        return db.count("SELECT COALESCE(MAX(id), 0) FROM admin_audit");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
