package com.adventive.billing.it;

import com.adventive.billing.it.support.Await;
import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.MeterEventStub;
import com.adventive.billing.it.support.StripeApiStub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each ledger record becomes exactly one Stripe meter event, whatever is retried. */
@BillingIT
class UsageReportingIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final AdminClient platform = new AdminClient();

    @BeforeEach
    void caller() {
        platform.register();
    }

    @AfterEach
    void noCaller() {
        platform.unregister();
    }

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

    @Test
    void aSendWhoseOutcomeIsUnknownIsNotRepeatedOnceStripeHasForgottenItsIdentifier(Db db, StripeApiStub stripe) {
        MeterEventStub meter = new MeterEventStub(stripe).alwaysFailingWith(500);
        String acct = account(db, "stripe");
        assertEquals(List.of("accepted"), statuses(json(platform.post("/usage",
                record(acct, thisPeriod(), "impressions", "10", "unknown-1")))));
        Map<String, Object> stored = db.rows("SELECT * FROM usage_record WHERE acct_id = ?", acct).get(0);
        long workId = workItemOf(db, stored);
        Await.until(TIMEOUT, () -> db.count("SELECT COUNT(*) FROM work_item WHERE id = ? AND state = 'failed'", workId) == 1,
                "the work to give up while Stripe answers 500");

        // The first send started 25 hours ago (the record's clock is moved, nobody waits), Stripe now answers.
        db.execute("UPDATE usage_record SET send_started_at = send_started_at - INTERVAL '25 hours' WHERE acct_id = ?", acct);
        stripe.reset();
        meter.accepting();
        HttpResponse<String> retried = platform.post("/admin/work/" + workId + "/retry", null);
        assertEquals(200, retried.statusCode(), retried.body());

        Map<String, Object> after = awaitState(db, acct, "outcome_unknown");
        assertTrue(String.valueOf(after.get("last_error")).contains("Stripe no longer deduplicates"), after.toString());
        Await.until(TIMEOUT, () -> db.count("SELECT COUNT(*) FROM work_item WHERE id = ? AND state = 'failed' "
                + "AND failure_reason = 'usage_outcome_unknown'", workId) == 1, "the work to fail for an operator");
        assertEquals(0, sentFor(meter, (String) stored.get("meter_identifier")).size(),
                "nothing was sent after Stripe's window");
    }

    @Test
    void withinStripesWindowARetriedSendGoesOutAgainUnderTheSameIdentifier(Db db, StripeApiStub stripe) {
        MeterEventStub meter = new MeterEventStub(stripe).alwaysFailingWith(500);
        String acct = account(db, "stripe");
        assertEquals(List.of("accepted"), statuses(json(platform.post("/usage",
                record(acct, thisPeriod(), "impressions", "10", "window-1")))));
        Map<String, Object> stored = db.rows("SELECT * FROM usage_record WHERE acct_id = ?", acct).get(0);
        long workId = workItemOf(db, stored);
        Await.until(TIMEOUT, () -> db.count("SELECT COUNT(*) FROM work_item WHERE id = ? AND state = 'failed'", workId) == 1,
                "the work to give up while Stripe answers 500");

        stripe.reset();
        meter.accepting();
        assertEquals(200, platform.post("/admin/work/" + workId + "/retry", null).statusCode());
        awaitState(db, acct, "reported");
        List<MeterEventStub.Sent> sent = sentFor(meter, (String) stored.get("meter_identifier"));
        assertEquals(1, sent.size(), "after the reset the journal holds only the retry: " + sent);
        assertEquals(200, sent.get(0).status());
    }

    private static Map<String, Object> awaitState(Db db, String acct, String state) {
        Await.until(TIMEOUT, () -> db.count("SELECT COUNT(*) FROM usage_record WHERE acct_id = ? AND state = ?",
                acct, state) == 1, "the usage record of " + acct + " to be " + state);
        return db.rows("SELECT * FROM usage_record WHERE acct_id = ?", acct).get(0);
    }

    private static long workItemOf(Db db, Map<String, Object> record) {
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
