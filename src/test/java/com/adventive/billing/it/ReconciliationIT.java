package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.StripeInvoiceList;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static com.adventive.billing.it.AdminClient.json;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Money reconciliation against the Stripe stand-in: seeded accounts, usage, credit notes and
 * delivery records in the worker's database, Stripe invoices built from the fixtures and served
 * 100 a page, the legacy system's embedded sample (acct_sampledual invoiced by legacy in 2026-10,
 * acct_sampletiers with its own plan tiers). One account per drift kind, and one clean account.
 */
@BillingIT
class ReconciliationIT {

    static final String PERIOD = "2026-10";
    /** Finalized at the end of October: the invoice's period starts on 1 October (30 days before). */
    static final Instant FINALIZED = Instant.parse("2026-10-31T00:00:00Z");

    private final AdminClient operator = new AdminClient();

    @BeforeEach
    void caller(Db db, StripeApiStub stripe) {
        // each test seeds its own period from nothing
        db.emptyWorkerTables();
        stripe.reset();
        operator.register();
    }

    @AfterEach
    void noCaller() {
        operator.unregister();
    }

    @Test
    void eachDriftKindIsFoundWithItsAmountsAndNextStep(Db db, StripeApiStub stripe) {
        String graduated = tieredPrice(stripe, "graduated", new long[][]{{1000, 2, 0}, {-1, 1, 0}});
        String perUnit = tieredPrice(stripe, null, new long[][]{{-1, 15, 0}});
        String half = decimalPrice(stripe, "0.5");
        String planTiers = tieredPrice(stripe, "graduated", new long[][]{{1000, 150, 0}, {-1, 100, 0}});
        String licensed = stripeId("price_");
        stripe.stubPrice(Fixtures.price(licensed, "usd", 2000));

        List<String> invoices = new ArrayList<>();
        // clean: 1,500 impressions at 2 (minor units) each up to 1,000, then 1 = 2,500
        invoices.add(invoice(db, "acct_rcclean", graduated, 1500, 2500, "open", usage(1000, 500)));
        // amount_mismatch: 100 × 15 = 1,500, Stripe charged 1,600
        String mismatch = invoice(db, "acct_rcmismatch", perUnit, 100, 1600, "open", usage(100));
        invoices.add(mismatch);
        // rounding: 3 × 0.5 = 1.5, Stripe charged 2
        invoices.add(invoice(db, "acct_rcrounding", half, 3, 2, "open", usage(3)));
        // duplicate_usage: the ledger has 300 + 200, Stripe counted 700 (the 200 twice)
        String duplicate = invoice(db, "acct_rcduplicate", perUnit, 700, 700 * 15, "open", usage(300, 200));
        invoices.add(duplicate);
        // missing_usage: the ledger has 400 (reported) + 100 (failed), Stripe counted 400
        invoices.add(invoice(db, "acct_rcmissing", perUnit, 400, 400 * 15, "open", usage(400)));
        insertUsage(db, "acct_rcmissing", "lost-100", 100, "failed");
        // missing_in_stripe: usage, no invoice
        account(db, "acct_rcnostripe", "stripe");
        insertUsage(db, "acct_rcnostripe", "ns-1", 50, "reported");
        // missing_in_ledger: Stripe invoiced a customer no account is mapped to
        String stranger = Fixtures.invoiceFinalized().acctId(null).priceId(licensed).finalizedAt(FINALIZED)
                .line("Plan", 1, 2000).build().invoiceJson();
        invoices.add(stranger);
        // price_tier_mismatch: Stripe's price is 1.50 then 1.00; account_plan_usage (legacy sample) says 2.00 then 1.00
        invoices.add(invoice(db, "acct_sampletiers", planTiers, 10, 1500, "open", usage(10)));
        // double_billing_risk: Stripe invoiced acct_sampledual, which the legacy sample also invoiced for 2026-10
        invoices.add(invoice(db, "acct_sampledual", licensed, 1, 2000, "open", usage()));
        // uncollectible
        String uncollectible = invoice(db, "acct_rcuncollectible", perUnit, 10, 150, "uncollectible", usage(10));
        invoices.add(uncollectible);
        // a credit note the worker recorded that Stripe does not show on the invoice
        String credited = invoice(db, "acct_rccredit", perUnit, 10, 150, "paid", usage(10));
        invoices.add(credited);
        db.execute("INSERT INTO invoice_adjustment (stripe_object_id, kind, stripe_invoice_id, status, amount, currency, "
                + "row_version, updated_at) VALUES ('cn_rc1', 'credit_note', ?, 'issued', 50, 'usd', 1, CURRENT_TIMESTAMP)",
                idOf(credited));
        // a managed job the worker put into Stripe that the invoice does not carry as an invoice item
        invoices.add(invoice(db, "acct_rcjob", perUnit, 10, 150, "open", usage(10)));
        db.execute("INSERT INTO managed_job (job_id, acct_id, stripe_customer_id, description, amount, currency, "
                + "idempotency_key, state, stripe_invoice_item_id, created_at, send_attempts, created_in_stripe_at) VALUES "
                + "('JOB-RC-1', 'acct_rcjob', 'cus_rcjob', 'Campaign setup', 5000, 'usd', 'rc-job-1', 'created', "
                + "'ii_rcjob', CURRENT_TIMESTAMP, 1, ?)", java.sql.Timestamp.valueOf(PERIOD + "-15 12:00:00"));
        // delivery: one invoice without a PDF, one PDF never emailed, one failed work item
        deliveryRecords(db);

        servePages(stripe, invoices, 100);

        HttpResponse<String> response = operator.get("/admin/reconcile?detail=true&period=" + PERIOD);
        assertEquals(200, response.statusCode(), response.body());
        JsonObject report = json(response);
        Map<String, List<JsonObject>> byKind = report.getJsonArray("drifts").getValuesAs(JsonObject.class).stream()
                .collect(Collectors.groupingBy(d -> d.getString("kind")));
        assertEquals("drift", report.getString("status"));
        assertTrue(report.getBoolean("legacy_checked"), report.toString());

        assertFalse(accounts(byKind).contains("acct_rcclean"), "the clean account has no drift: " + byKind);

        JsonObject amount = only(byKind, "amount_mismatch", "acct_rcmismatch");
        assertEquals(1500, amount.getJsonNumber("expected").longValue());
        assertEquals(1600, amount.getJsonNumber("actual").longValue());
        assertEquals(100, amount.getJsonNumber("delta").longValue());
        assertEquals(idOf(mismatch), amount.getString("invoice_id"));

        JsonObject rounding = only(byKind, "rounding", "acct_rcrounding");
        assertEquals("1.5", rounding.getString("expected_exact"));

        JsonObject dup = only(byKind, "duplicate_usage", "acct_rcduplicate");
        assertEquals(500 * 15, dup.getJsonNumber("expected").longValue());
        assertEquals(700 * 15, dup.getJsonNumber("actual").longValue());
        assertTrue(dup.getString("detail").contains("acct_rcduplicate-2"), dup.toString());

        JsonObject missing = only(byKind, "missing_usage", "acct_rcmissing");
        assertEquals("POST /usage {\"records\":[{\"acct_id\":\"acct_rcmissing\",\"period\":\"2026-10\",\"metric\":"
                + "\"impressions\",\"quantity\":100,\"source_id\":\"lost-100\"}]}", missing.getString("fix"));

        assertNotNull(only(byKind, "missing_in_stripe", "acct_rcnostripe"));
        JsonObject unknown = byKind.get("missing_in_ledger").stream()
                .filter(d -> idOf(stranger).equals(d.getString("invoice_id"))).findFirst().orElseThrow();
        assertTrue(unknown.getString("next_step").contains("PUT /admin/accounts/"), unknown.toString());

        JsonObject tiers = only(byKind, "price_tier_mismatch", "acct_sampletiers");
        assertTrue(tiers.getString("detail").contains("account_plan_usage"), tiers.toString());

        JsonObject dual = only(byKind, "double_billing_risk", "acct_sampledual");
        assertTrue(dual.getString("detail").contains("LEG-2026-10-0001"), dual.toString());

        assertEquals(idOf(uncollectible), only(byKind, "uncollectible", "acct_rcuncollectible").getString("invoice_id"));
        JsonObject credit = byKind.get("amount_mismatch").stream()
                .filter(d -> "acct_rccredit".equals(d.getString("acct_id"))).findFirst().orElseThrow();
        assertEquals("credit_notes", credit.getString("metric"));

        JsonObject job = byKind.get("amount_mismatch").stream()
                .filter(d -> "acct_rcjob".equals(d.getString("acct_id"))).findFirst().orElseThrow();
        assertEquals("managed_jobs", job.getString("metric"));
        assertEquals(5000, job.getJsonNumber("expected").longValue(), "the job the worker recorded");
        assertEquals(0, job.getJsonNumber("actual").longValue(), "no invoice item on Stripe's invoice");

        assertTrue(byKind.containsKey("pdf_missing") && byKind.containsKey("email_not_sent")
                && byKind.containsKey("work_failed"), byKind.keySet().toString());

        long counted = report.getJsonArray("drifts").getValuesAs(JsonObject.class).stream()
                .filter(d -> !"rounding".equals(d.getString("kind"))).count();
        assertEquals(counted, report.getJsonNumber("drift_count").longValue(), "rounding is not counted");
        assertEquals(1, report.getJsonNumber("rounding_count").longValue());

        long runId = report.getJsonNumber("run_id").longValue();
        assertEquals(1, db.count("SELECT COUNT(*) FROM operational_event WHERE event_type = 'reconciliation_drift'"));
        assertEquals(counted + 1, db.count("SELECT COUNT(*) FROM reconcile_drift WHERE run_id = ?", runId));
        JsonObject run = json(operator.get("/admin/reconcile/runs/" + runId));
        assertEquals("done", run.getString("state"));
        assertEquals("drift", run.getString("status"));
        assertEquals(report.getJsonArray("drifts").size(), run.getJsonArray("drifts").size());
        assertTrue(json(operator.get("/admin/reconcile/runs")).getJsonArray("items").getValuesAs(JsonObject.class)
                .stream().anyMatch(r -> r.getJsonNumber("id").longValue() == runId));

        // The shape the runbook reads, without detail, and one account narrowed to a clean answer.
        JsonObject plain = json(operator.get("/admin/reconcile?period=" + PERIOD));
        assertFalse(plain.containsKey("drifts") && plain.get("drifts") != JsonValue.NULL, plain.toString());
        JsonObject clean = json(operator.get("/admin/reconcile?period=" + PERIOD + "&account=acct_rcclean"));
        assertEquals("clean", clean.getString("status"), clean.toString());
        assertEquals(0, clean.getJsonNumber("drift_count").longValue());
        assertEquals(1, clean.getJsonNumber("accounts_checked").longValue());
    }

    @Test
    void a429MidRunWaitsAndResumesFromTheSamePage(Db db, StripeApiStub stripe) {
        String perUnit = tieredPrice(stripe, null, new long[][]{{-1, 15, 0}});
        List<String> invoices = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            invoices.add(invoice(db, "acct_rcpage" + i, perUnit, 2, 30, "open", usage(2)));
        }
        servePages(stripe, invoices, 100);
        // the second page answers 429 once, then the page
        String secondCursor = idOf(invoices.get(99));
        stripe.wireMock().stubFor(get(urlPathEqualTo("/v1/invoices"))
                .withQueryParam("starting_after", equalTo(secondCursor)).atPriority(1)
                .inScenario("throttle").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("throttled")
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"rate_limit\","
                                + "\"message\":\"Too many requests\"}}")));

        JsonObject report = json(operator.get("/admin/reconcile?period=" + PERIOD));
        assertEquals("clean", report.getString("status"), report.toString());
        assertEquals(250, report.getJsonNumber("accounts_checked").longValue());
        long listCalls = stripe.requests("GET", "/v1/invoices").stream()
                .filter(r -> r.getUrl().startsWith("/v1/invoices?") || r.getUrl().equals("/v1/invoices")).count();
        assertEquals(4, listCalls, "three pages and one retry of the throttled page");
        // pages needed: 3 invoice pages + 1 price; calls: those + the throttled retry
        assertEquals(4, report.getJsonNumber("stripe_pages_needed").longValue());
        assertEquals(5, report.getJsonNumber("stripe_calls").longValue());
        assertTrue(report.getJsonNumber("stripe_calls").longValue()
                <= Math.ceil(1.1 * report.getJsonNumber("stripe_pages_needed").longValue()) + 1);
    }

    // --- seeding ---

    static Map<String, Integer> usage(int... quantities) {
        Map<String, Integer> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < quantities.length; i++) {
            map.put(String.valueOf(i + 1), quantities[i]);
        }
        return map;
    }

    /** An account with its customer, its usage records (reported) and a Stripe invoice with one line. */
    static String invoice(Db db, String acct, String priceId, long quantity, long amount, String status,
                                  Map<String, Integer> usage) {
        String customer = account(db, acct, "stripe");
        usage.forEach((n, q) -> insertUsage(db, acct, acct + "-" + n, q, "reported"));
        Fixtures.FinalizedInvoice built = Fixtures.invoiceFinalized().acctId(acct).customerId(customer).priceId(priceId)
                .finalizedAt(FINALIZED).status(status).line("Impressions", quantity, 0).build();
        JsonObject invoice = Fixtures.parse(built.invoiceJson());
        JsonObject line = invoice.getJsonObject("lines").getJsonArray("data").getJsonObject(0);
        line = Json.createObjectBuilder(line).add("amount", amount).build();
        return Json.createObjectBuilder(invoice)
                .add("lines", Json.createObjectBuilder(invoice.getJsonObject("lines"))
                        .add("data", Json.createArrayBuilder().add(line)))
                .add("total", amount).add("amount_due", amount)
                .add("pre_payment_credit_notes_amount", 0).add("post_payment_credit_notes_amount", 0)
                .build().toString();
    }

    static String account(Db db, String acct, String billedBy) {
        String customer = "cus_" + acct.substring(5);
        db.execute("INSERT INTO billing_account (acct_id, stripe_customer_id, billed_by, updated_at) "
                + "VALUES (?, ?, ?, CURRENT_TIMESTAMP)", acct, customer, billedBy);
        return customer;
    }

    static void insertUsage(Db db, String acct, String sourceId, long quantity, String state) {
        db.execute("INSERT INTO usage_record (acct_id, usage_period, metric, source_id, quantity, stripe_customer_id, "
                + "event_name, meter_identifier, meter_timestamp, state, recorded_at, send_attempts) VALUES "
                + "(?, ?, 'impressions', ?, ?, ?, 'impressions', ?, 0, ?, CURRENT_TIMESTAMP, 1)",
                acct, PERIOD, sourceId, quantity, "cus_" + acct.substring(5), "rc-" + acct + "-" + sourceId, state);
    }

    private static void deliveryRecords(Db db) {
        db.execute("INSERT INTO billing_invoice (stripe_invoice_id, inv_uuid, acct_id, created_at, updated_at) "
                + "VALUES ('in_rcnopdf', '00000000-0000-4000-8000-000000000001', 'acct_rcdelivery', CURRENT_TIMESTAMP, "
                + "CURRENT_TIMESTAMP)");
        db.execute("INSERT INTO billing_invoice (stripe_invoice_id, inv_uuid, acct_id, pdf_key, created_at, updated_at) "
                + "VALUES ('in_rcnoemail', '00000000-0000-4000-8000-000000000002', 'acct_rcdelivery', "
                + "'acct_rcdelivery/x.pdf', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
        db.execute("INSERT INTO stripe_event (event_id, event_type, object_id, received_at, disposition, payload) "
                + "VALUES ('evt_rcfailed', 'invoice.finalized', 'in_rcfailed', CURRENT_TIMESTAMP, 'queued', '{}')");
        db.execute("INSERT INTO work_item (event_id, subject, kind, state, attempts, next_attempt_at, failure_reason, "
                + "created_at, updated_at) VALUES ('evt_rcfailed', 'evt_rcfailed', 'invoice.finalized', 'failed', 8, "
                + "CURRENT_TIMESTAMP, 'render_failed', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
    }

    /** A metered price with tiers ({up_to or -1, unit, flat}); mode null: one per-unit amount. */
    static String tieredPrice(StripeApiStub stripe, String mode, long[][] tiers) {
        String id = stripeId("price_");
        var price = Json.createObjectBuilder(Fixtures.parse(Fixtures.price(id, "usd", tiers[0][1])))
                .add("recurring", metered());
        if (mode != null) {
            JsonArrayBuilder list = Json.createArrayBuilder();
            for (long[] t : tiers) {
                var tier = Json.createObjectBuilder().add("unit_amount", t[1]).add("unit_amount_decimal", Long.toString(t[1]))
                        .add("flat_amount", t[2]).add("flat_amount_decimal", Long.toString(t[2]));
                if (t[0] < 0) {
                    tier.addNull("up_to");
                } else {
                    tier.add("up_to", t[0]);
                }
                list.add(tier);
            }
            price.add("billing_scheme", "tiered").add("tiers_mode", mode).add("tiers", list)
                    .addNull("unit_amount").addNull("unit_amount_decimal");
        }
        stripe.stubPrice(price.build().toString());
        return id;
    }

    private static String decimalPrice(StripeApiStub stripe, String unitAmountDecimal) {
        String id = stripeId("price_");
        stripe.stubPrice(Json.createObjectBuilder(Fixtures.parse(Fixtures.price(id, "usd", 1)))
                .add("recurring", metered()).addNull("unit_amount").add("unit_amount_decimal", unitAmountDecimal)
                .build().toString());
        return id;
    }

    private static JsonObject metered() {
        return Json.createObjectBuilder().add("interval", "month").add("interval_count", 1).addNull("meter")
                .add("usage_type", "metered").addNull("trial_period_days").build();
    }

    static void servePages(StripeApiStub stripe, List<String> invoices, int pageSize) {
        StripeInvoiceList.serve(stripe, invoices, pageSize);
    }

    static String idOf(String json) {
        return Fixtures.parse(json).getString("id");
    }

    private static String stripeId(String prefix) {
        return Fixtures.stripeId(prefix, 20);
    }

    private static List<String> accounts(Map<String, List<JsonObject>> byKind) {
        return byKind.values().stream().flatMap(List::stream).filter(d -> d.get("acct_id") != JsonValue.NULL)
                .map(d -> d.getString("acct_id")).toList();
    }

    private static JsonObject only(Map<String, List<JsonObject>> byKind, String kind, String acct) {
        List<JsonObject> found = byKind.getOrDefault(kind, List.of()).stream()
                .filter(d -> d.get("acct_id") != JsonValue.NULL && acct.equals(d.getString("acct_id"))).toList();
        assertEquals(1, found.size(), kind + " for " + acct + ": " + byKind);
        return found.get(0);
    }
}
