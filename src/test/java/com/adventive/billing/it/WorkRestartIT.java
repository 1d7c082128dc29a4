package com.adventive.billing.it;

import com.adventive.billing.it.support.Await;
import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static com.adventive.billing.it.WorkAssertions.workState;
import static com.adventive.billing.it.WorkTestSupport.operationalEventsOfEvent;
import static com.adventive.billing.it.WorkTestSupport.workRow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 while items are claimed, then a restart of the same server: the items its earlier run
 * held resume at once, not when their lease runs out. The lease here is 600 s, so only that
 * release can explain everything being done within two minutes. A claim recorded by another
 * server instance on the same database is left alone.
 */
@BillingIT
class WorkRestartIT {

    private static final int LEASE_SECONDS = 600;
    private static final int BURST = 6;
    /** Far below the lease: finishing within it proves the resumption did not wait for the lease. */
    private static final Duration WELL_BEFORE_THE_LEASE = Duration.ofSeconds(120);
    private static final String OTHER_INSTANCE = "other-host:0123456789ab";

    @BeforeAll
    static void longLease() {
        // as many items at once as renders, so the kill finds exactly that many held mid-run
        BillingServer.restart(Map.of("WORK_LEASE_SECONDS", Integer.toString(LEASE_SECONDS),
                "WORK_CONCURRENCY", Integer.toString(BillingServer.renderConcurrency())));
    }

    @AfterEach
    void forgetStubs(StripeApiStub stripe) {
        stripe.reset();
    }

    @Test
    void itemsHeldByTheKilledRunResumeAtOnceAndAnotherInstancesClaimIsLeftAlone(Db db, WebhookClient webhook,
                                                                                Mailbox mailbox, StripeApiStub stripe) {
        List<Fixtures.FinalizedInvoice> invoices = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            var invoice = Fixtures.invoiceFinalized().apiVersion(null).customerEmail(uniqueEmail("killed" + i)).build();
            stripe.stubInvoice(invoice, 100);
            // every fetch takes a few seconds, so the server is killed while it holds items mid-run
            WorkTestSupport.slowInvoice(stripe, invoice, 6_000);
            invoices.add(invoice);
        }
        for (var invoice : invoices) {
            assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        }
        Await.until(Duration.ofSeconds(60), () -> running(db, invoices).size() == BillingServer.renderConcurrency()
                        && invoices.stream().allMatch(i -> mailbox.countTo(i.customerEmail()) == 0),
                "the server to hold " + BillingServer.renderConcurrency() + " items before any email left");

        BillingServer.killServer();

        List<Fixtures.FinalizedInvoice> held = running(db, invoices);
        assertEquals(BillingServer.renderConcurrency(), held.size(), "killed while holding items");
        // One of them is now (as far as this server can tell) held by another live instance on the same database.
        var foreign = held.get(0);
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        db.execute("UPDATE work_item SET claimed_by = ?, claim_run = 'a-live-run-of-another-instance', renewed_at = ?, "
                + "lease_until = ? WHERE event_id = ?", OTHER_INSTANCE, now, now.plusSeconds(LEASE_SECONDS), foreign.eventId());

        BillingServer.startServer();

        List<Fixtures.FinalizedInvoice> ours = invoices.stream().filter(i -> i != foreign).toList();
        for (var invoice : ours) {
            Await.until(WELL_BEFORE_THE_LEASE, () -> "done".equals(workState(db, invoice.eventId())),
                    invoice.invoiceId() + " to be done, although the lease of the killed run is " + LEASE_SECONDS + " s");
        }
        for (var invoice : ours) {
            assertEquals(1, mailbox.countTo(invoice.customerEmail()), "exactly one email for " + invoice.invoiceId());
        }
        var ownHeld = held.get(1);
        assertEquals(1, operationalEventsOfEvent(db, "work_released", ownHeld.eventId()),
                "the item the killed run held was released, not left to its lease");

        Map<String, Object> foreignRow = workRow(db, foreign.eventId());
        assertEquals("running", foreignRow.get("state"), "another instance's live claim is not taken");
        assertEquals(OTHER_INSTANCE, foreignRow.get("claimed_by"));
        assertEquals(0, mailbox.countTo(foreign.customerEmail()));
        assertEquals(0, operationalEventsOfEvent(db, "work_released", foreign.eventId()));

        // That instance dies for good: its lease lapses and this server takes the item over.
        db.execute("UPDATE work_item SET lease_until = ? WHERE event_id = ?",
                LocalDateTime.now(ZoneOffset.UTC).minusSeconds(1), foreign.eventId());
        Await.until(WELL_BEFORE_THE_LEASE, () -> "done".equals(workState(db, foreign.eventId())),
                "the lapsed foreign claim to be taken over");
        assertEquals(1, mailbox.waitFor(foreign.customerEmail(), 1).size());
        assertTrue(((String) workRow(db, foreign.eventId()).get("claimed_by")).length() > 0);
    }

    private static List<Fixtures.FinalizedInvoice> running(Db db, List<Fixtures.FinalizedInvoice> invoices) {
        return invoices.stream().filter(i -> "running".equals(workState(db, i.eventId()))).toList();
    }
}
