package com.adventive.billing.it;

import com.adventive.billing.it.support.Await;
import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static com.adventive.billing.it.WorkAssertions.awaitWorkState;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static com.adventive.billing.it.WorkAssertions.workState;
import static com.adventive.billing.it.WorkTestSupport.PRIORITY_OVER_STUBS;
import static com.adventive.billing.it.WorkTestSupport.attempts;
import static com.adventive.billing.it.WorkTestSupport.invoiceAnswer;
import static com.adventive.billing.it.WorkTestSupport.invoiceFetches;
import static com.adventive.billing.it.WorkTestSupport.invoicePath;
import static com.adventive.billing.it.WorkTestSupport.operationalEventsOfEvent;
import static com.adventive.billing.it.WorkTestSupport.withStatus;
import static com.adventive.billing.it.WorkTestSupport.workRow;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Runs that take longer than WORK_LEASE_SECONDS. A live run keeps its item (its lease is renewed
 * while it runs), so no second run starts beside it; and a run that did lose its claim (it ran past
 * WORK_RUN_MAX_SECONDS and was taken over) can never overwrite what the run that completed wrote.
 */
@BillingIT
class WorkLeaseIT {

    private static final int LEASE_SECONDS = 5;
    private static final int RUN_MAX_SECONDS = 15;

    @BeforeAll
    static void shortLeases() {
        BillingServer.restart(Map.of(
                "WORK_LEASE_SECONDS", Integer.toString(LEASE_SECONDS),
                "WORK_RUN_MAX_SECONDS", Integer.toString(RUN_MAX_SECONDS)));
    }

    @AfterEach
    void forgetStubs(StripeApiStub stripe) {
        stripe.reset();
    }

    @Test
    void aRunSlowerThanItsLeaseKeepsTheItemAndIsTheOnlyRun(Db db, WebhookClient webhook, StripeApiStub stripe,
                                                            Mailbox mailbox) {
        // no usable copy in the event: the invoice is fetched, and Stripe takes longer than the lease to answer
        var invoice = Fixtures.invoiceFinalized().apiVersion(null).customerEmail(uniqueEmail("slowrun")).build();
        stripe.stubInvoice(invoice, 100);
        WorkTestSupport.slowInvoice(stripe, invoice, (LEASE_SECONDS + 4) * 1000);

        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        awaitWorkState(db, invoice.eventId(), "done");

        assertEquals(1, mailbox.waitFor(invoice.customerEmail(), 1).size());
        assertEquals(1, attempts(db, invoice.eventId()), "no second run was started while the first was alive");
        assertEquals(1, invoiceFetches(stripe, invoice), "one run, one fetch");
        assertEquals(0, operationalEventsOfEvent(db, "work_claim_lost", invoice.eventId()));
        Map<String, Object> row = workRow(db, invoice.eventId());
        assertNotNull(row.get("claim_token"));
        assertNotNull(row.get("claimed_by"));
        assertNotNull(row.get("claim_run"));
    }

    @Test
    void aRunThatLostItsClaimCannotOverwriteTheRunThatCompleted(Db db, WebhookClient webhook, StripeApiStub stripe,
                                                                Mailbox mailbox) {
        var invoice = Fixtures.invoiceFinalized().apiVersion(null).customerEmail(uniqueEmail("staleclaim")).build();
        stripe.stubInvoice(invoice, 100);
        // The first fetch answers only after 40 s — past WORK_RUN_MAX_SECONDS plus a lease, so that run is
        // taken over — and with an outdated copy that would make it skip the invoice. Later fetches are prompt.
        // The answer trickles in, so no read timeout cuts it short.
        stripe.wireMock().stubFor(get(urlPathEqualTo(invoicePath(invoice)))
                .atPriority(PRIORITY_OVER_STUBS)
                .inScenario("stale claim " + invoice.invoiceId())
                .whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("slow answer under way")
                .willReturn(invoiceAnswer(withStatus(invoice.invoiceJson(), "void")).withChunkedDribbleDelay(20, 40_000)));

        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        awaitWorkState(db, invoice.eventId(), "done");
        assertEquals(1, mailbox.waitFor(invoice.customerEmail(), 1).size(), "the second run sent the email");

        // Wait for the first run to conclude (it says "skip") and try to record that.
        Await.until(Duration.ofSeconds(90), () -> operationalEventsOfEvent(db, "work_claim_lost", invoice.eventId()) > 0
                        || !"done".equals(workState(db, invoice.eventId())),
                "the first run to finish after losing its claim");

        assertEquals("done", workState(db, invoice.eventId()), "the completed run's state is never overwritten");
        assertEquals(1, operationalEventsOfEvent(db, "work_claim_lost", invoice.eventId()),
                "the stale run's outcome was discarded and recorded");
        assertEquals(2, attempts(db, invoice.eventId()));
        assertEquals(1, mailbox.countTo(invoice.customerEmail()), "exactly one email");
    }
}
