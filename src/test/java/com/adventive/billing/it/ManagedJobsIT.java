package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.StripeBillingStub;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.List;

import static com.adventive.billing.it.AdminClient.json;
import static com.adventive.billing.it.UsageIngestIT.account;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /admin/managed-jobs: one Stripe InvoiceItem per job_id, whatever is retried. */
@BillingIT
class ManagedJobsIT {

    @RegisterExtension
    final AdminClient operator = new AdminClient();

    static String job(String acct, String jobId, long amount, String currency) {
        return "{\"acct_id\":\"" + acct + "\",\"job_id\":\"" + jobId + "\",\"description\":\"Campaign setup, November\","
                + "\"amount\":" + amount + ",\"currency\":\"" + currency + "\"}";
    }

    private static List<LoggedRequest> itemsCreated(StripeApiStub stripe, String jobId) {
        return stripe.requests("POST", StripeBillingStub.INVOICE_ITEMS).stream()
                .filter(r -> r.getBodyAsString().contains(jobId)).toList();
    }

    @Test
    void aJobSentTwiceIsOneInvoiceItemOnTheAccountsCustomer(Db db, StripeApiStub stripe) {
        new StripeBillingStub(stripe).invoiceItemsAnswering("ii_harness_job_1");
        String acct = account(db, "stripe");
        String jobId = "job-" + Fixtures.stripeId("", 10);
        HttpResponse<String> first = operator.post("/admin/managed-jobs", job(acct, jobId, 12_500, "usd"));
        assertEquals(201, first.statusCode(), first.body());
        assertEquals("created", json(first).getString("status"));
        assertEquals("ii_harness_job_1", json(first).getString("stripe_invoice_item_id"));
        HttpResponse<String> again = operator.post("/admin/managed-jobs", job(acct, jobId, 12_500, "usd"));
        assertEquals(200, again.statusCode(), again.body());
        assertEquals("duplicate", json(again).getString("status"));

        List<LoggedRequest> created = itemsCreated(stripe, jobId);
        assertEquals(1, created.size(), "one InvoiceItem for one job");
        String body = java.net.URLDecoder.decode(created.get(0).getBodyAsString(), java.nio.charset.StandardCharsets.UTF_8);
        String customer = (String) db.rows("SELECT stripe_customer_id FROM billing_account WHERE acct_id = ?", acct)
                .get(0).get("stripe_customer_id");
        assertTrue(body.contains("customer=" + customer) && body.contains("amount=12500") && body.contains("currency=usd"),
                body);
        assertTrue(created.get(0).getHeader("Idempotency-Key").startsWith("managed_job_"));
        assertEquals(1, db.count("SELECT COUNT(*) FROM managed_job WHERE job_id = ? AND state = 'created'", jobId),
                "recorded for reconciliation");

        HttpResponse<String> otherAmount = operator.post("/admin/managed-jobs", job(acct, jobId, 13_000, "usd"));
        assertEquals(409, otherAmount.statusCode(), otherAmount.body());
        assertEquals(1, itemsCreated(stripe, jobId).size());
    }

    @Test
    void aJobWhoseFirstCallFailedIsRetriedUnderTheSameIdempotencyKeyAndCreatedOnce(Db db, StripeApiStub stripe) {
        String acct = account(db, "stripe");
        String jobId = "job-" + Fixtures.stripeId("", 10);
        stripe.failRequests(StripeBillingStub.INVOICE_ITEMS, 500);
        HttpResponse<String> failed = operator.post("/admin/managed-jobs", job(acct, jobId, 5_000, "jpy"));
        assertEquals(502, failed.statusCode(), failed.body());
        assertEquals(1, db.count("SELECT COUNT(*) FROM managed_job WHERE job_id = ? AND state = 'pending'", jobId));

        stripe.reset();
        new StripeBillingStub(stripe).invoiceItemsAnswering("ii_harness_job_2");
        HttpResponse<String> retried = operator.post("/admin/managed-jobs", job(acct, jobId, 5_000, "jpy"));
        assertEquals(201, retried.statusCode(), retried.body());
        HttpResponse<String> third = operator.post("/admin/managed-jobs", job(acct, jobId, 5_000, "jpy"));
        assertEquals("duplicate", json(third).getString("status"));
        List<LoggedRequest> created = itemsCreated(stripe, jobId);
        assertEquals(1, created.size(), "after the reset only the successful retry reached Stripe");
        HttpResponse<String> listed = operator.get("/admin/managed-jobs?account=" + acct);
        assertEquals(200, listed.statusCode(), listed.body());
        JsonObject row = jakarta.json.Json.createReader(new java.io.StringReader(listed.body())).readArray()
                .getJsonObject(0);
        assertEquals(jobId, row.getString("job_id"));
        assertEquals("created", row.getString("state"));
        assertEquals(1, db.count("SELECT COUNT(*) FROM managed_job WHERE job_id = ? AND state = 'created' "
                + "AND stripe_invoice_item_id = 'ii_harness_job_2' AND send_attempts = 2", jobId));
    }

    @Test
    void amountsAreCheckedAgainstTheCurrencyAndLegacyAccountsAreRefused(Db db, StripeApiStub stripe) {
        new StripeBillingStub(stripe).invoiceItemsAnswering("ii_harness_job_3");
        String acct = account(db, "stripe");
        String legacy = account(db, "legacy");
        assertEquals(400, operator.post("/admin/managed-jobs", job(acct, "kwd-odd", 1_235, "kwd")).statusCode(),
                "KWD has three decimals and Stripe wants the last one 0");
        assertEquals(201, operator.post("/admin/managed-jobs", job(acct, "kwd-ok", 1_230, "kwd")).statusCode());
        assertEquals(201, operator.post("/admin/managed-jobs", job(acct, "jpy-ok", 5_000, "jpy")).statusCode());
        assertEquals(400, operator.post("/admin/managed-jobs", job(acct, "bad-currency", 100, "xx1")).statusCode());
        assertEquals(400, operator.post("/admin/managed-jobs", job(acct, "zero", 0, "usd")).statusCode());
        assertEquals(400, operator.post("/admin/managed-jobs",
                "{\"acct_id\":\"" + acct + "\",\"job_id\":\"frac\",\"description\":\"d\",\"amount\":12.5,\"currency\":\"usd\"}")
                .statusCode(), "minor units are whole numbers");
        HttpResponse<String> refused = operator.post("/admin/managed-jobs", job(legacy, "legacy-job", 100, "usd"));
        assertEquals(409, refused.statusCode(), refused.body());
        assertEquals(2, stripe.requests("POST", StripeBillingStub.INVOICE_ITEMS).stream()
                .filter(r -> r.getBodyAsString().contains(acct) || r.getBodyAsString().contains(legacy)).count(),
                "only the two valid jobs");
        assertEquals(0, db.count("SELECT COUNT(*) FROM managed_job WHERE acct_id = ?", legacy));
    }
}
