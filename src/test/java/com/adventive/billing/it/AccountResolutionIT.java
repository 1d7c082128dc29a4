package com.adventive.billing.it;

import com.adventive.billing.it.support.Await;
import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.Bucket;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import jakarta.json.Json;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.adventive.billing.it.WorkAssertions.WORK_TIMEOUT;
import static com.adventive.billing.it.WorkAssertions.invoiceRow;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static com.adventive.billing.it.WorkAssertions.workState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The account table outranks acct_id metadata: a row for the invoice's Stripe customer decides which
 * account an invoice belongs to and whether the worker may bill it at all. Metadata that disagrees is
 * a conflict, and metadata never puts a PDF under an account that belongs to another customer.
 */
@BillingIT
class AccountResolutionIT {

    private static final Set<String> TERMINAL = Set.of("done", "skipped", "failed");

    @Test
    void aCustomerTheTableMarksLegacyGetsNothingWhateverItsMetadataSays(Db db, WebhookClient webhook,
                                                                         Mailbox mailbox, Bucket bucket,
                                                                         StripeApiStub stripe) {
        String email = uniqueEmail("legacy-meta");
        String metadataAcct = newAcctId();
        var invoice = invoiceStripeServes(stripe, email, metadataAcct);
        String legacyAcct = newAccount(db, invoice.customerId(), "legacy");

        String state = workedOff(db, webhook, invoice);

        assertEquals("skipped", state, "a legacy-billed customer's invoice is left to the legacy system");
        assertEquals(1, db.count("SELECT COUNT(*) FROM operational_event WHERE event_type = 'double_billing_risk'"
                + " AND acct_id = ? AND stripe_invoice_id = ?", legacyAcct, invoice.invoiceId()));
        assertNothingStoredOrSent(db, bucket, mailbox, invoice, email, legacyAcct, metadataAcct);
    }

    @Test
    void metadataNamingAnotherAccountThanTheTableIsAConflict(Db db, WebhookClient webhook, Mailbox mailbox,
                                                             Bucket bucket, StripeApiStub stripe) {
        String email = uniqueEmail("conflict");
        String metadataAcct = newAcctId();
        var invoice = invoiceStripeServes(stripe, email, metadataAcct);
        String tableAcct = newAccount(db, invoice.customerId(), "stripe");

        assertRefusedAsConflictBetween(db, webhook, bucket, mailbox, invoice, email, tableAcct, metadataAcct);
    }

    @Test
    void customerMetadataNamingAnotherAccountThanTheTableIsAConflictToo(Db db, WebhookClient webhook,
                                                                        Mailbox mailbox, Bucket bucket,
                                                                        StripeApiStub stripe) {
        String email = uniqueEmail("conflict-cus");
        var invoice = Fixtures.invoiceFinalized().customerEmail(email).acctId(null).build();
        String metadataAcct = newAcctId();
        stripe.stubCustomer(Json.createObjectBuilder(Fixtures.parse(invoice.customerJson()))
                .add("metadata", Json.createObjectBuilder().add("acct_id", metadataAcct))
                .build().toString());
        String tableAcct = newAccount(db, invoice.customerId(), "stripe");

        assertRefusedAsConflictBetween(db, webhook, bucket, mailbox, invoice, email, tableAcct, metadataAcct);
    }

    @Test
    void metadataNamingAnAccountOfAnotherCustomerIsAConflictWhenTheCustomerHasNoRow(Db db, WebhookClient webhook,
                                                                                   Mailbox mailbox, Bucket bucket,
                                                                                   StripeApiStub stripe) {
        String email = uniqueEmail("foreign");
        String otherCustomer = Fixtures.stripeId("cus_", 14);
        String othersAcct = newAccount(db, otherCustomer, "stripe");
        var invoice = invoiceStripeServes(stripe, email, othersAcct);

        assertEquals("failed", workedOff(db, webhook, invoice));

        assertConflictRecorded(db, invoice, othersAcct, otherCustomer);
        assertNothingStoredOrSent(db, bucket, mailbox, invoice, email, othersAcct);
    }

    @Test
    void theTableRowDecidesTheKeyPrefixWhenThereIsNoMetadata(Db db, WebhookClient webhook, Mailbox mailbox,
                                                            Bucket bucket, StripeApiStub stripe) {
        String email = uniqueEmail("table-only");
        var invoice = invoiceStripeServes(stripe, email, null);
        String tableAcct = newAccount(db, invoice.customerId(), "stripe");

        assertEquals("done", workedOff(db, webhook, invoice));

        assertDeliveredUnder(db, bucket, mailbox, invoice, email, tableAcct);
    }

    @Test
    void metadataThatAgreesWithTheTableIsNoConflict(Db db, WebhookClient webhook, Mailbox mailbox, Bucket bucket,
                                                    StripeApiStub stripe) {
        String email = uniqueEmail("agree");
        String acct = newAcctId();
        var invoice = invoiceStripeServes(stripe, email, acct);
        account(db, acct, invoice.customerId(), "stripe");

        assertEquals("done", workedOff(db, webhook, invoice));

        assertDeliveredUnder(db, bucket, mailbox, invoice, email, acct);
        assertEquals(0, db.count("SELECT COUNT(*) FROM operational_event WHERE event_type = 'account_conflict'"
                + " AND stripe_invoice_id = ?", invoice.invoiceId()));
    }

    @Test
    void anInvoiceStoredUnderOneAccountIsNeverRenderedUnderAnother(Db db, WebhookClient webhook, Mailbox mailbox,
                                                                 Bucket bucket, StripeApiStub stripe) {
        String email = uniqueEmail("moved");
        String metadataAcct = newAcctId();
        var invoice = invoiceStripeServes(stripe, email, metadataAcct);
        assertEquals("done", workedOff(db, webhook, invoice));
        assertDeliveredUnder(db, bucket, mailbox, invoice, email, metadataAcct);

        // Later the table maps the customer to another account and Stripe's copies lose their metadata.
        String tableAcct = newAccount(db, invoice.customerId(), "stripe");
        stripe.stubInvoice(Json.createObjectBuilder(Fixtures.parse(invoice.invoiceJson()))
                .add("metadata", Json.createObjectBuilder()).build().toString());
        stripe.stubCustomer(Json.createObjectBuilder(Fixtures.parse(invoice.customerJson()))
                .add("metadata", Json.createObjectBuilder()).build().toString());

        AdminClient admin = new AdminClient().register();
        try {
            var resend = admin.post("/admin/resend-invoice", "{\"invoice_id\":\"" + invoice.invoiceId() + "\"}");
            assertEquals(409, resend.statusCode(), resend.body());
            assertEquals("account_conflict", AdminClient.json(resend).getString("code"), resend.body());
        } finally {
            admin.unregister();
        }
        assertEquals(1, mailbox.countTo(email), "no second email");
        assertTrue(bucket.keys().stream().noneMatch(k -> k.startsWith(tableAcct + "/")), "no PDF under " + tableAcct);
        List<Map<String, Object>> events = db.rows("SELECT detail FROM operational_event "
                + "WHERE event_type = 'account_conflict' AND stripe_invoice_id = ?", invoice.invoiceId());
        assertEquals(1, events.size(), events.toString());
        String detail = (String) events.get(0).get("detail");
        assertTrue(detail.contains(metadataAcct) && detail.contains(tableAcct), detail);
    }

    static String newAcctId() {
        return Fixtures.stripeId("acct_", 16);
    }

    /** A new account row for the customer; its acct_id. */
    private static String newAccount(Db db, String customerId, String billedBy) {
        String acctId = newAcctId();
        account(db, acctId, customerId, billedBy);
        return acctId;
    }

    static void account(Db db, String acctId, String customerId, String billedBy) {
        db.execute("INSERT INTO billing_account (acct_id, stripe_customer_id, billed_by, display_name, updated_at) "
                + "VALUES (?, ?, ?, 'Account resolution test', CURRENT_TIMESTAMP)", acctId, customerId, billedBy);
    }

    /** A new customer's invoice.finalized with that acct_id metadata (null: none), which Stripe serves too. */
    private static Fixtures.FinalizedInvoice invoiceStripeServes(StripeApiStub stripe, String email, String metadataAcct) {
        var invoice = Fixtures.invoiceFinalized().customerEmail(email).acctId(metadataAcct).build();
        stripe.stubInvoice(invoice, 100);
        return invoice;
    }

    /** Posts the invoice's event (taken: 200) and waits for its work to end; the state it ended in. */
    private static String workedOff(Db db, WebhookClient webhook, Fixtures.FinalizedInvoice invoice) {
        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        return awaitTerminalState(db, invoice.eventId());
    }

    /** Waits for the item to stop working, whatever its outcome, so a wrong outcome fails at once. */
    static String awaitTerminalState(Db db, String eventId) {
        Await.until(WORK_TIMEOUT, () -> TERMINAL.contains(workState(db, eventId)),
                "work item of " + eventId + " to finish");
        return workState(db, eventId);
    }

    /** Posted, the invoice's work fails as account_conflict naming both accounts; nothing is stored under either or sent. */
    private static void assertRefusedAsConflictBetween(Db db, WebhookClient webhook, Bucket bucket, Mailbox mailbox,
                                                       Fixtures.FinalizedInvoice invoice, String email,
                                                       String tableAcct, String metadataAcct) {
        assertEquals("failed", workedOff(db, webhook, invoice));
        assertConflictRecorded(db, invoice, tableAcct, metadataAcct);
        assertNothingStoredOrSent(db, bucket, mailbox, invoice, email, tableAcct, metadataAcct);
    }

    private static void assertConflictRecorded(Db db, Fixtures.FinalizedInvoice invoice, String... named) {
        assertEquals(1, db.count("SELECT COUNT(*) FROM work_item WHERE event_id = ? AND failure_reason = "
                + "'account_conflict'", invoice.eventId()), "the item fails as account_conflict");
        List<Map<String, Object>> events = db.rows("SELECT acct_id, detail FROM operational_event "
                + "WHERE event_type = 'account_conflict' AND stripe_invoice_id = ?", invoice.invoiceId());
        assertEquals(1, events.size(), "one account_conflict event: " + events);
        String detail = (String) events.get(0).get("detail");
        for (String name : named) {
            assertTrue(detail.contains(name), "the event names " + name + ": " + detail);
        }
        assertTrue(detail.contains(invoice.customerId()), "the event names the customer: " + detail);
    }

    private static void assertNothingStoredOrSent(Db db, Bucket bucket, Mailbox mailbox,
                                                  Fixtures.FinalizedInvoice invoice, String email,
                                                  String... accounts) {
        List<String> keys = bucket.keys();
        for (String acct : accounts) {
            assertTrue(keys.stream().noneMatch(k -> k.startsWith(acct + "/")), "no PDF under " + acct + "/: " + keys);
        }
        assertEquals(0, mailbox.countTo(email), "no email");
        assertEquals(0, db.count("SELECT COUNT(*) FROM email_delivery WHERE stripe_invoice_id = ?",
                invoice.invoiceId()), "no email attempt");
        assertEquals(0, db.count("SELECT COUNT(*) FROM billing_invoice WHERE stripe_invoice_id = ? "
                + "AND pdf_key IS NOT NULL", invoice.invoiceId()), "no PDF recorded");
    }

    private static void assertDeliveredUnder(Db db, Bucket bucket, Mailbox mailbox, Fixtures.FinalizedInvoice invoice,
                                             String email, String acct) {
        assertEquals(1, mailbox.waitFor(email, 1).size(), "one email");
        Map<String, Object> row = invoiceRow(db, invoice.invoiceId());
        assertEquals(acct, row.get("acct_id"));
        String key = (String) row.get("pdf_key");
        assertEquals(acct + "/" + row.get("inv_uuid") + ".pdf", key);
        assertTrue(bucket.get(key).isPresent(), "the PDF is in the bucket at " + key);
    }
}
