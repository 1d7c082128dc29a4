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
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static com.adventive.billing.it.AdminClient.json;
import static com.adventive.billing.it.UsageIngestIT.account;
import static com.adventive.billing.it.UsageIngestIT.record;
import static com.adventive.billing.it.UsageIngestIT.statuses;
import static com.adventive.billing.it.UsageIngestIT.thisPeriod;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each ledger record becomes exactly one Stripe meter event, whatever is retried. */
@BillingIT
class UsageReportingIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @RegisterExtension
    final AdminClient platform = new AdminClient();

    @Test
    void aRecordSentTwiceAndItsWorkRunTwiceIsReportedOnceWithItsKey(Db db, StripeApiStub stripe) {
        MeterEventStub meter = new MeterEventStub(stripe).accepting();
        String acct = account(db, "stripe");
        String body = record(acct, thisPeriod(), "impressions", "4321", "dup-1");
        assertEquals(List.of("accepted"), statuses(json(platform.post("/usage", body))));
        assertEquals(List.of("duplicate"), statuses(json(platform.post("/usage", body))));

        Map<String, Object> stored = awaitState(db, acct, "reported");
        String identifier = (String) stored.get("meter_identifier");
        assertNotNull(stored.get("stripe_response"), "Stripe's answer is kept with the record");
        assertNotNull(stored.get("reported_at"));

        // The work runs again (a redelivered message, a sweep): the ledger says reported, nothing is sent.
        long workId = workItemOf(db, stored);
        long attempts = db.count("SELECT attempts FROM work_item WHERE id = ?", workId);
        db.execute("UPDATE work_item SET state = 'pending', next_attempt_at = CURRENT_TIMESTAMP, enqueued_at = NULL, "
                + "lease_until = NULL WHERE id = ?", workId);
        Await.until(TIMEOUT, () -> db.count("SELECT COUNT(*) FROM work_item WHERE id = ? AND state = 'done' "
                + "AND attempts > ?", workId, attempts) == 1, "the re-run work item to finish");

        List<MeterEventStub.Sent> sent = sentFor(meter, identifier);
        assertEquals(1, sent.size(), "one meter event for one record: " + sent);
        MeterEventStub.Sent event = sent.get(0);
        assertEquals(200, event.status());
        assertEquals(identifier, event.idempotencyKey(), "the idempotency key is the identifier");
        assertEquals("impressions", event.form().get("event_name"));
        assertEquals("4321", event.form().get("payload[value]"));
        assertEquals(db.rows("SELECT stripe_customer_id FROM billing_account WHERE acct_id = ?", acct).get(0)
                .get("stripe_customer_id"), event.form().get("payload[stripe_customer_id]"));
        long timestamp = Long.parseLong(event.form().get("timestamp"));
        YearMonth period = YearMonth.parse(thisPeriod());
        assertTrue(timestamp >= period.atDay(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC)
                && timestamp < period.plusMonths(1).atDay(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC),
                "the event's timestamp is inside the period: " + timestamp);
    }

    @Test
    void stripeFailingOnceThenAcceptingCountsOneEventUnderOneIdentifier(Db db, StripeApiStub stripe) {
        MeterEventStub meter = new MeterEventStub(stripe).failingOnceWith(500);
        String acct = account(db, "stripe");
        assertEquals(List.of("accepted"), statuses(json(platform.post("/usage",
                record(acct, thisPeriod(), "impressions", "10", "flaky-1")))));

        Map<String, Object> stored = awaitState(db, acct, "reported");
        String identifier = (String) stored.get("meter_identifier");
        List<MeterEventStub.Sent> sent = sentFor(meter, identifier);
        assertTrue(sent.size() >= 2, "the 500 was retried: " + sent);
        assertEquals(500, sent.get(0).status());
        assertEquals(1, sent.stream().filter(s -> s.status() == 200).count(), "exactly one counted: " + sent);
        assertTrue(sent.stream().allMatch(s -> identifier.equals(s.identifier()) && identifier.equals(s.idempotencyKey())),
                "every attempt carries the same identifier and idempotency key: " + sent);
        assertEquals(sent.size(), meter.sent().stream().filter(s -> acctCustomer(db, acct).equals(
                s.form().get("payload[stripe_customer_id]"))).count(), "no other event for the customer");
    }

    // --- A send whose outcome is unknown, retried once Stripe has forgotten its identifier (25 hours later,
    // the record's clock moved, nobody waits): Stripe's meter event summaries decide, never a blind resend.

    private static final String METER = "mtr_harness_usage_recheck";

    /** An account with 250 reported an hour ago and a record of 10 whose only send (a 500) started 25 hours ago. */
    private record UnknownSend(String acct, String customer, long recordId, String identifier, long workId) {
    }

    private UnknownSend anUnknownSendBesideReportedUsage(Db db, StripeApiStub stripe, String tag) {
        MeterEventStub meter = new MeterEventStub(stripe).accepting();
        String acct = account(db, "stripe");
        assertEquals(List.of("accepted"), statuses(json(platform.post("/usage",
                record(acct, thisPeriod(), "impressions", "250", tag + "-reported")))));
        awaitState(db, acct, "reported");

        meter.alwaysFailingWith(500);
        givingUpAfterTwoAttempts();
        assertEquals(List.of("accepted"), statuses(json(platform.post("/usage",
                record(acct, thisPeriod(), "impressions", "10", tag + "-unknown")))));
        Map<String, Object> unknown = db.rows("SELECT * FROM usage_record WHERE acct_id = ? AND source_id = ?",
                acct, tag + "-unknown").get(0);
        long workId = workItemOf(db, unknown);
        Await.until(TIMEOUT, () -> db.count("SELECT COUNT(*) FROM work_item WHERE id = ? AND state = 'failed'", workId) == 1,
                "the work to give up while Stripe answers 500");
        BillingServer.removeSecret(MAX_ATTEMPTS);
        long recordId = ((Number) unknown.get("id")).longValue();
        assertEquals("recorded", state(db, recordId));

        db.execute("UPDATE usage_record SET send_started_at = send_started_at - INTERVAL '25 hours' WHERE id = ?", recordId);
        // the reported record went out an hour ago: Stripe's summaries have long counted it
        db.execute("UPDATE usage_record SET send_started_at = send_started_at - INTERVAL '1 hours', "
                + "reported_at = reported_at - INTERVAL '1 hours' WHERE acct_id = ? AND state = 'reported'", acct);
        stripe.reset();
        meter.accepting();
        return new UnknownSend(acct, acctCustomer(db, acct), recordId, (String) unknown.get("meter_identifier"), workId);
    }

    private void retry(UnknownSend unknown) {
        HttpResponse<String> retried = platform.post("/admin/work/" + unknown.workId() + "/retry", null);
        assertEquals(200, retried.statusCode(), retried.body());
    }

    @Test
    void anUnknownSendTheSummariesShowCountedIsReportedWithoutSendingAgain(Db db, StripeApiStub stripe) {
        UnknownSend unknown = anUnknownSendBesideReportedUsage(db, stripe, "landed");
        MeterEventStub meter = new MeterEventStub(stripe);
        new StripeBillingStub(stripe).meter(METER, "impressions")
                .summaries(METER, unknown.customer(), new BigDecimal(260)); // 250 reported + the 10 that landed
        retry(unknown);

        awaitRecordState(db, unknown.recordId(), "reported");
        Await.until(TIMEOUT, () -> db.count("SELECT COUNT(*) FROM work_item WHERE id = ? AND state = 'done'",
                unknown.workId()) == 1, "the work to be done");
        assertEquals(List.of(), meter.sent(), "no meter event was sent");
        var asked = stripe.requests("GET", "/v1/billing/meters/" + METER + "/event_summaries");
        assertTrue(!asked.isEmpty() && asked.get(0).getUrl().contains("customer=" + unknown.customer()), asked.toString());
        Map<String, Object> row = db.rows("SELECT * FROM usage_record WHERE id = ?", unknown.recordId()).get(0);
        assertTrue(String.valueOf(row.get("stripe_response")).startsWith("confirmed from Stripe's meter event summaries"),
                row.toString());

        JsonObject view = json(platform.get("/admin/usage?account=" + unknown.acct() + "&period=" + thisPeriod()));
        JsonObject confirmed = view.getJsonArray("records").getValuesAs(JsonObject.class).stream()
                .filter(r -> r.getJsonNumber("id").longValue() == unknown.recordId()).findFirst().orElseThrow();
        assertEquals("reported", confirmed.getString("state"));
        assertEquals("meter_event_summaries", confirmed.getString("reported_from"), confirmed.toString());
        String evidence = confirmed.getString("confirmation");
        assertTrue(evidence.contains("260") && evidence.contains("250") && evidence.contains("checked at"), evidence);
        JsonObject other = view.getJsonArray("records").getValuesAs(JsonObject.class).stream()
                .filter(r -> r.getJsonNumber("id").longValue() != unknown.recordId()).findFirst().orElseThrow();
        assertEquals("meter_event", other.getString("reported_from"), "the other record was reported by Stripe's answer");
    }

    @Test
    void anUnknownSendTheSummariesShowMissingIsSentOnceMoreUnderItsIdentifier(Db db, StripeApiStub stripe) {
        UnknownSend unknown = anUnknownSendBesideReportedUsage(db, stripe, "missing");
        MeterEventStub meter = new MeterEventStub(stripe);
        new StripeBillingStub(stripe).meter(METER, "impressions")
                .summaries(METER, unknown.customer(), new BigDecimal(250)); // only what the ledger reported
        retry(unknown);

        awaitRecordState(db, unknown.recordId(), "reported");
        List<MeterEventStub.Sent> sent = meter.sent();
        assertEquals(1, sent.size(), "exactly one more meter event: " + sent);
        assertEquals(200, sent.get(0).status());
        assertEquals(unknown.identifier(), sent.get(0).identifier(), "the record's own identifier");
        assertEquals(unknown.identifier(), sent.get(0).idempotencyKey());
        assertEquals("10", sent.get(0).form().get("payload[value]"));
        Map<String, Object> row = db.rows("SELECT * FROM usage_record WHERE id = ?", unknown.recordId()).get(0);
        assertTrue(String.valueOf(row.get("stripe_response")).contains("billing.meter_event"), "Stripe's answer: " + row);
    }

    @Test
    void anUnknownSendTheSummariesCannotAccountForIsLeftForAnOperator(Db db, StripeApiStub stripe) {
        UnknownSend unknown = anUnknownSendBesideReportedUsage(db, stripe, "mismatch");
        MeterEventStub meter = new MeterEventStub(stripe);
        new StripeBillingStub(stripe).meter(METER, "impressions")
                .summaries(METER, unknown.customer(), new BigDecimal(255)); // neither 250 nor 260
        retry(unknown);

        awaitRecordState(db, unknown.recordId(), "outcome_unknown");
        Await.until(TIMEOUT, () -> db.count("SELECT COUNT(*) FROM work_item WHERE id = ? AND state = 'failed' "
                + "AND failure_reason = 'usage_outcome_unknown'", unknown.workId()) == 1, "the work to fail for an operator");
        String reason = String.valueOf(db.rows("SELECT last_error FROM work_item WHERE id = ?", unknown.workId()).get(0)
                .get("last_error"));
        assertTrue(reason.contains("255") && reason.contains("250") && reason.contains("/admin/usage/stripe-check"),
                "the reason names both totals and the check to run: " + reason);
        String lastError = String.valueOf(db.rows("SELECT last_error FROM usage_record WHERE id = ?", unknown.recordId())
                .get(0).get("last_error"));
        assertTrue(lastError.contains("Stripe no longer deduplicates") && lastError.contains("255"), lastError);
        assertEquals(List.of(), meter.sent(), "nothing was sent after Stripe's window");
    }

    @Test
    void whileStripesSummariesFailNothingIsSentAndTheCheckIsTriedAgainLater(Db db, StripeApiStub stripe) {
        UnknownSend unknown = anUnknownSendBesideReportedUsage(db, stripe, "summaries-down");
        MeterEventStub meter = new MeterEventStub(stripe);
        StripeBillingStub billing = new StripeBillingStub(stripe).meter(METER, "impressions");
        String summaries = StripeBillingStub.METERS + "/" + METER + "/event_summaries";
        stripe.wireMock().stubFor(get(urlPathEqualTo(summaries)).atPriority(5).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"type\":\"api_error\",\"message\":\"Injected by the test harness\"}}")));
        retry(unknown);

        Await.until(TIMEOUT, () -> db.count("SELECT COUNT(*) FROM work_item WHERE id = ? AND state = 'pending' "
                + "AND last_error LIKE '%meter event summaries%'", unknown.workId()) == 1,
                "the work to wait for a later attempt after the summaries' 500");
        assertEquals("recorded", state(db, unknown.recordId()), "not given up: the check is tried again");
        assertTrue(stripe.requests("GET", summaries).size() >= 1);
        assertEquals(List.of(), meter.sent(), "nothing sent while Stripe could not say");

        // Stripe answers again (a newer stub wins over the 500): the next attempt checks and settles it
        billing.summaries(METER, unknown.customer(), new BigDecimal(260));
        awaitRecordState(db, unknown.recordId(), "reported");
        assertEquals(List.of(), meter.sent(), "the summaries showed it counted: still nothing sent");
        assertTrue(db.count("SELECT attempts FROM work_item WHERE id = ?", unknown.workId()) >= 2,
                "settled by a later attempt of the same work");
    }

    @Test
    void anUnknownSendIsNotCheckedWhileStripeMayNotHaveCountedARecentReportOfTheSameUsage(Db db, StripeApiStub stripe) {
        UnknownSend unknown = anUnknownSendBesideReportedUsage(db, stripe, "settling");
        MeterEventStub meter = new MeterEventStub(stripe);
        new StripeBillingStub(stripe).meter(METER, "impressions")
                .summaries(METER, unknown.customer(), new BigDecimal(250)); // the recent 250 not counted yet
        // the other record was reported moments ago, not an hour: Stripe's summaries may not hold it yet
        db.execute("UPDATE usage_record SET reported_at = reported_at + INTERVAL '1 hours' WHERE acct_id = ? "
                + "AND state = 'reported'", unknown.acct());
        retry(unknown);

        java.sql.Timestamp retriedAt = (java.sql.Timestamp) db.rows("SELECT updated_at FROM work_item WHERE id = ?",
                unknown.workId()).get(0).get("updated_at");
        java.sql.Timestamp turnsLater = java.sql.Timestamp.valueOf(retriedAt.toLocalDateTime()
                .plusSeconds(3L * BillingServer.workRetryBaseSeconds()));
        Await.until(TIMEOUT, () -> db.count("SELECT COUNT(*) FROM work_item WHERE id = ? AND updated_at > ?",
                unknown.workId(), turnsLater) == 1, "the work to have been looked at again and again for a few turns");
        assertEquals("recorded", state(db, unknown.recordId()), "neither sent nor given up while it settles");
        assertEquals(0, stripe.requests("GET", StripeBillingStub.METERS).size(), "Stripe was not even asked");
        assertEquals(List.of(), meter.sent());
        assertTrue(db.count("SELECT attempts FROM work_item WHERE id = ?", unknown.workId()) <= 1,
                "waiting uses up no attempts");

        // a quarter of an hour later (the clock moved again) the check runs: 250 + 0 means it did not land
        db.execute("UPDATE usage_record SET reported_at = reported_at - INTERVAL '1 hours' WHERE acct_id = ? "
                + "AND state = 'reported'", unknown.acct());
        awaitRecordState(db, unknown.recordId(), "reported");
        assertEquals(1, meter.sent().size(), "sent once more: " + meter.sent());
    }

    @Test
    void withinStripesWindowARetriedSendGoesOutAgainUnderTheSameIdentifier(Db db, StripeApiStub stripe) {
        MeterEventStub meter = new MeterEventStub(stripe).alwaysFailingWith(500);
        String acct = account(db, "stripe");
        givingUpAfterTwoAttempts();
        assertEquals(List.of("accepted"), statuses(json(platform.post("/usage",
                record(acct, thisPeriod(), "impressions", "10", "window-1")))));
        Map<String, Object> stored = db.rows("SELECT * FROM usage_record WHERE acct_id = ?", acct).get(0);
        long workId = workItemOf(db, stored);
        Await.until(TIMEOUT, () -> db.count("SELECT COUNT(*) FROM work_item WHERE id = ? AND state = 'failed'", workId) == 1,
                "the work to give up while Stripe answers 500");
        BillingServer.removeSecret(MAX_ATTEMPTS);

        stripe.reset();
        meter.accepting();
        assertEquals(200, platform.post("/admin/work/" + workId + "/retry", null).statusCode());
        awaitState(db, acct, "reported");
        List<MeterEventStub.Sent> sent = sentFor(meter, (String) stored.get("meter_identifier"));
        assertEquals(1, sent.size(), "after the reset the journal holds only the retry: " + sent);
        assertEquals(200, sent.get(0).status());
    }

    private static final String MAX_ATTEMPTS = "WORK_MAX_ATTEMPTS";

    /**
     * The work gives up after two failed attempts instead of the suite's five (a second of backoff
     * instead of fifteen): how it got to failed does not matter to these tests, what follows does.
     */
    private static void givingUpAfterTwoAttempts() {
        BillingServer.writeSecret(MAX_ATTEMPTS, "2");
    }

    @AfterEach
    void attemptsAsConfigured() {
        BillingServer.removeSecret(MAX_ATTEMPTS);
    }

    private static Map<String, Object> awaitState(Db db, String acct, String state) {
        Await.until(TIMEOUT, () -> db.count("SELECT COUNT(*) FROM usage_record WHERE acct_id = ? AND state = ?",
                acct, state) == 1, "the usage record of " + acct + " to be " + state);
        return db.rows("SELECT * FROM usage_record WHERE acct_id = ?", acct).get(0);
    }

    private static void awaitRecordState(Db db, long recordId, String state) {
        Await.until(TIMEOUT, () -> db.count("SELECT COUNT(*) FROM usage_record WHERE id = ? AND state = ?",
                recordId, state) == 1, "usage record " + recordId + " to be " + state);
    }

    private static String state(Db db, long recordId) {
        return (String) db.rows("SELECT state FROM usage_record WHERE id = ?", recordId).get(0).get("state");
    }

    /** The record's report work item, once the waker has created it (at the reporting pace, within seconds). */
    private static long workItemOf(Db db, Map<String, Object> record) {
        Await.until(Duration.ofSeconds(60), () -> db.count("SELECT COUNT(*) FROM work_item WHERE kind = 'usage.report' "
                + "AND subject = ?", String.valueOf(record.get("id"))) == 1, "the record's report work to be created");
        return ((Number) db.rows("SELECT id FROM work_item WHERE kind = 'usage.report' AND subject = ?",
                String.valueOf(record.get("id"))).get(0).get("id")).longValue();
    }

    private static List<MeterEventStub.Sent> sentFor(MeterEventStub meter, String identifier) {
        return meter.sent().stream().filter(s -> identifier.equals(s.identifier())).toList();
    }

    private static String acctCustomer(Db db, String acct) {
        return (String) db.rows("SELECT stripe_customer_id FROM billing_account WHERE acct_id = ?", acct).get(0)
                .get("stripe_customer_id");
    }
}
