package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.ReceivedMail;
import com.adventive.billing.it.support.WebhookClient;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static com.adventive.billing.it.WorkAssertions.awaitWorkState;
import static com.adventive.billing.it.WorkAssertions.operationalEvents;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rest of an invoice's life (paid, payment failed, uncollectible, voided) through the real
 * webhook: recorded in one state whatever the order and duplication of Stripe's events, visible
 * in the dossier, and one payment_failed email per attempt for accounts billed by Stripe only.
 */
@BillingIT
class InvoiceLifecycleIT {

    private static final String PAYMENT_FAILED_SUBJECT = "Payment failed for invoice";

    @RegisterExtension
    final AdminClient admin = new AdminClient();

    @AfterEach
    void dunningEmailsBackToDefault() {
        BillingServer.removeSecret("DUNNING_EMAILS");
    }

    @Test
    void aPaidInvoiceStaysPaidWhenItsFinalizedEventArrivesLateAndThePaidOneTwice(Db db, WebhookClient webhook) {
        var invoice = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("paid")).build();
        String paid = paid(invoice, Fixtures.stripeId("evt_", 24), "invoice.paid");

        post(webhook, paid);
        awaitWorkState(db, eventId(paid), "done");
        post(webhook, invoice.eventJson());
        awaitWorkState(db, invoice.eventId(), "done");
        post(webhook, paid); // Stripe's redelivery of the same event

        Map<String, Object> state = lifecycle(db, invoice.invoiceId());
        assertEquals("paid", state.get("status"));
        assertEquals(invoice.amountDue(), ((Number) state.get("amount_paid")).longValue());
        assertTrue(state.get("paid_at") != null);

        JsonObject dossier = dossier(invoice.invoiceId());
        assertEquals("paid", dossier.getJsonObject("lifecycle").getString("status"));
        assertEquals(invoice.amountDue(), dossier.getJsonObject("lifecycle").getJsonNumber("amount_paid").longValue());
        JsonArray history = dossier.getJsonArray("lifecycle_history");
        assertEquals(1, history.size(), history.toString());
        assertEquals("invoice.paid", history.getJsonObject(0).getString("type"));
    }

    @Test
    void eachFailedAttemptEmailsTheCustomerOnceWithTheLinkToPay(Db db, WebhookClient webhook, Mailbox mailbox) {
        String email = uniqueEmail("dunning");
        var invoice = Fixtures.invoiceFinalized().customerEmail(email).build();
        String attempt1 = paymentFailed(invoice, Fixtures.stripeId("evt_", 24), 1);
        String attempt1Again = paymentFailed(invoice, Fixtures.stripeId("evt_", 24), 1); // another event, same attempt
        String attempt2 = paymentFailed(invoice, Fixtures.stripeId("evt_", 24), 2);

        post(webhook, attempt1);
        awaitWorkState(db, eventId(attempt1), "done");
        post(webhook, attempt1); // the same event redelivered
        post(webhook, attempt1Again);
        awaitWorkState(db, eventId(attempt1Again), "done");
        assertEquals(1, dunningEmails(mailbox, email).size(), "one email for attempt 1");

        post(webhook, attempt2);
        awaitWorkState(db, eventId(attempt2), "done");
        List<ReceivedMail> emails = mailbox.waitFor(email, 2);
        assertEquals(2, dunningEmails(mailbox, email).size(), "one email per attempt");
        ReceivedMail first = emails.get(0);
        assertTrue(first.text().contains(hostedUrl(invoice)), first.text());
        assertTrue(first.html().contains(hostedUrl(invoice)), "the html body links the hosted invoice");
        assertTrue(first.attachments().isEmpty(), "a payment_failed notice carries no PDF");
        assertEquals(2, db.count("SELECT COUNT(*) FROM email_delivery WHERE stripe_invoice_id = ? "
                + "AND template = 'payment_failed' AND status = 'sent'", invoice.invoiceId()));
        assertEquals(3, operationalEvents(db, "payment_failed", invoice.invoiceId()), "one per distinct event");

        Map<String, Object> state = lifecycle(db, invoice.invoiceId());
        assertEquals("open", state.get("status"));
        assertEquals(2, ((Number) state.get("attempt_count")).intValue());
        JsonObject dossier = dossier(invoice.invoiceId());
        assertEquals(2, dossier.getJsonObject("lifecycle").getInt("attempt_count"));
        assertEquals(3, dossier.getJsonArray("lifecycle_history").size());
    }

    @Test
    void aLateEventOfAnEarlierAttemptSendsNoEmail(Db db, WebhookClient webhook, Mailbox mailbox) {
        String email = uniqueEmail("late-attempt");
        var invoice = Fixtures.invoiceFinalized().customerEmail(email).build();
        String attempt1 = paymentFailed(invoice, Fixtures.stripeId("evt_", 24), 1);
        String attempt2 = paymentFailed(invoice, Fixtures.stripeId("evt_", 24), 2);

        post(webhook, attempt2);
        awaitWorkState(db, eventId(attempt2), "done");
        post(webhook, attempt1);
        awaitWorkState(db, eventId(attempt1), "done");

        assertEquals(1, dunningEmails(mailbox, email).size(), "only the latest attempt is emailed");
        assertEquals(1, operationalEvents(db, "dunning_skipped", invoice.invoiceId()));
        assertEquals(2, ((Number) lifecycle(db, invoice.invoiceId()).get("attempt_count")).intValue());
    }

    @Test
    void anAccountBilledByTheLegacySystemGetsNoDunningEmail(Db db, WebhookClient webhook, Mailbox mailbox) {
        String email = uniqueEmail("legacy-dunning");
        var invoice = Fixtures.invoiceFinalized().customerEmail(email).build();
        db.execute("INSERT INTO billing_account (acct_id, stripe_customer_id, billed_by, display_name, updated_at) "
                + "VALUES (?, NULL, 'legacy', 'Legacy cohort', CURRENT_TIMESTAMP)", invoice.acctId());
        String failed = paymentFailed(invoice, Fixtures.stripeId("evt_", 24), 1);

        post(webhook, failed);
        awaitWorkState(db, eventId(failed), "done");

        assertEquals(1, ((Number) lifecycle(db, invoice.invoiceId()).get("attempt_count")).intValue(), "recorded");
        assertEquals(0, db.count("SELECT COUNT(*) FROM email_delivery WHERE stripe_invoice_id = ?", invoice.invoiceId()));
        assertEquals(0, mailbox.countTo(email));
    }

    @Test
    void dunningEmailsCanBeTurnedOff(Db db, WebhookClient webhook, Mailbox mailbox) {
        BillingServer.writeSecret("DUNNING_EMAILS", "false");
        String email = uniqueEmail("nodunning");
        var invoice = Fixtures.invoiceFinalized().customerEmail(email).build();
        String failed = paymentFailed(invoice, Fixtures.stripeId("evt_", 24), 1);

        post(webhook, failed);
        awaitWorkState(db, eventId(failed), "done");

        assertEquals(1, operationalEvents(db, "payment_failed", invoice.invoiceId()));
        assertEquals(0, db.count("SELECT COUNT(*) FROM email_delivery WHERE stripe_invoice_id = ?", invoice.invoiceId()));
        assertEquals(0, mailbox.countTo(email));
    }

    @Test
    void uncollectibleThenPaidIsPaidInEitherOrder(Db db, WebhookClient webhook) {
        Instant finalized = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<String> states = new ArrayList<>();
        for (boolean uncollectibleFirst : new boolean[]{true, false}) {
            var invoice = Fixtures.invoiceFinalized().finalizedAt(finalized).customerEmail(uniqueEmail("uncol")).build();
            String uncollectible = uncollectible(invoice, Fixtures.stripeId("evt_", 24), finalized.plusSeconds(50));
            String paid = paid(invoice, Fixtures.stripeId("evt_", 24), "invoice.payment_succeeded");
            for (String event : uncollectibleFirst ? List.of(uncollectible, paid) : List.of(paid, uncollectible)) {
                post(webhook, event);
                awaitWorkState(db, eventId(event), "done");
            }
            assertEquals(1, operationalEvents(db, "invoice_uncollectible", invoice.invoiceId()));
            states.add(comparable(lifecycle(db, invoice.invoiceId())));
        }
        assertEquals(states.get(0), states.get(1));
        assertTrue(states.get(0).contains("status=paid"), states.get(0));
    }

    @Test
    void aVoidedInvoiceIsRecordedAsVoid(Db db, WebhookClient webhook) {
        var invoice = Fixtures.invoiceFinalized().customerEmail(uniqueEmail("void")).build();
        String voided = voided(invoice, Fixtures.stripeId("evt_", 24));
        String failed = paymentFailed(invoice, Fixtures.stripeId("evt_", 24), 1);
        post(webhook, voided);
        awaitWorkState(db, eventId(voided), "done");
        post(webhook, failed);
        awaitWorkState(db, eventId(failed), "done");
        assertEquals("void", lifecycle(db, invoice.invoiceId()).get("status"));
        assertEquals(0, db.count("SELECT COUNT(*) FROM email_delivery WHERE stripe_invoice_id = ? "
                + "AND template = 'payment_failed'", invoice.invoiceId()), "no dunning for a voided invoice");
    }

    @Test
    void finalizedPaymentFailedAndPaidInAnyOrderEndInTheSameState(Db db, WebhookClient webhook) {
        Instant finalized = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<List<Integer>> orders = List.of(List.of(0, 1, 2), List.of(0, 2, 1), List.of(1, 0, 2), List.of(1, 2, 0),
                List.of(2, 0, 1), List.of(2, 1, 0, 1, 2));
        List<String> states = new ArrayList<>();
        for (List<Integer> order : orders) {
            var invoice = Fixtures.invoiceFinalized().finalizedAt(finalized).customerEmail(uniqueEmail("shuffle")).build();
            List<String> life = List.of(invoice.eventJson(), paymentFailed(invoice, Fixtures.stripeId("evt_", 24), 1),
                    paid(invoice, Fixtures.stripeId("evt_", 24), "invoice.paid"));
            for (int index : order) {
                String event = life.get(index);
                post(webhook, event);
                awaitWorkState(db, eventId(event), "done");
            }
            String state = comparable(lifecycle(db, invoice.invoiceId()));
            states.add(state);
            assertEquals(states.get(0), state, "order " + order);
        }
        assertTrue(states.get(0).contains("status=paid"), states.get(0));
        assertTrue(states.get(0).contains("attempt_count=1"), states.get(0));
    }

    // --- events built on the fixture's invoice ---

    private static String hostedUrl(Fixtures.FinalizedInvoice invoice) {
        return "https://invoice.stripe.com/i/acct_test/" + invoice.invoiceId();
    }

    private static String paid(Fixtures.FinalizedInvoice invoice, String eventId, String type) {
        return variant(invoice, eventId, type, (finalizedAt) -> b -> b.add("status", "paid")
                .add("amount_paid", invoice.amountDue()).add("amount_remaining", 0).add("attempt_count", 1)
                .addNull("next_payment_attempt")
                .add("status_transitions", transitions(finalizedAt).add("paid_at", finalizedAt + 100)));
    }

    private static String paymentFailed(Fixtures.FinalizedInvoice invoice, String eventId, int attempt) {
        return variant(invoice, eventId, "invoice.payment_failed", (finalizedAt) -> b -> b.add("status", "open")
                .add("attempt_count", attempt).add("next_payment_attempt", finalizedAt + attempt * 86_400L)
                .add("status_transitions", transitions(finalizedAt)));
    }

    private static String uncollectible(Fixtures.FinalizedInvoice invoice, String eventId, Instant at) {
        return variant(invoice, eventId, "invoice.marked_uncollectible", (finalizedAt) -> b -> b
                .add("status", "uncollectible").addNull("next_payment_attempt")
                .add("status_transitions", transitions(finalizedAt).add("marked_uncollectible_at", at.getEpochSecond())));
    }

    private static String voided(Fixtures.FinalizedInvoice invoice, String eventId) {
        return variant(invoice, eventId, "invoice.voided", (finalizedAt) -> b -> b.add("status", "void")
                .addNull("next_payment_attempt")
                .add("status_transitions", transitions(finalizedAt).add("voided_at", finalizedAt + 10)));
    }

    private static JsonObjectBuilder transitions(long finalizedAt) {
        return Json.createObjectBuilder().add("finalized_at", finalizedAt).addNull("marked_uncollectible_at")
                .addNull("paid_at").addNull("voided_at");
    }

    private static String variant(Fixtures.FinalizedInvoice invoice, String eventId, String type,
                                  Function<Long, java.util.function.Consumer<JsonObjectBuilder>> change) {
        JsonObject event = Fixtures.parse(invoice.eventJson());
        JsonObject object = event.getJsonObject("data").getJsonObject("object");
        long finalizedAt = object.getJsonObject("status_transitions").getJsonNumber("finalized_at").longValue();
        JsonObjectBuilder changed = Json.createObjectBuilder(object).add("hosted_invoice_url", hostedUrl(invoice));
        change.apply(finalizedAt).accept(changed);
        return Json.createObjectBuilder(event).add("id", eventId).add("type", type)
                .add("data", Json.createObjectBuilder().add("object", changed)).build().toString();
    }

    // --- reading the outcome ---

    private static void post(WebhookClient webhook, String eventJson) {
        HttpResponse<String> response = webhook.postSigned(eventJson);
        assertEquals(200, response.statusCode(), response.body());
    }

    private static String eventId(String eventJson) {
        return Fixtures.parse(eventJson).getString("id");
    }

    private static Map<String, Object> lifecycle(Db db, String invoiceId) {
        List<Map<String, Object>> rows = db.rows("SELECT * FROM invoice_lifecycle WHERE stripe_invoice_id = ?", invoiceId);
        assertEquals(1, rows.size(), "one lifecycle record for " + invoiceId);
        return rows.get(0);
    }

    /** The record without what differs between otherwise identical invoices (id, when the worker wrote it). */
    private static String comparable(Map<String, Object> row) {
        return new java.util.TreeMap<>(row).entrySet().stream()
                .filter(e -> !List.of("stripe_invoice_id", "updated_at", "row_version").contains(e.getKey()))
                .map(e -> e.getKey() + "=" + e.getValue()).toList().toString();
    }

    private JsonObject dossier(String invoiceId) {
        HttpResponse<String> response = admin.get("/admin/invoices/" + invoiceId);
        assertEquals(200, response.statusCode(), response.body());
        return AdminClient.json(response);
    }

    private static List<ReceivedMail> dunningEmails(Mailbox mailbox, String email) {
        return mailbox.messagesTo(email).stream().filter(m -> m.subject().startsWith(PAYMENT_FAILED_SUBJECT)).toList();
    }
}
