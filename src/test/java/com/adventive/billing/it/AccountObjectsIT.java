package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.WebhookClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.adventive.billing.it.LifecycleEvents.customer;
import static com.adventive.billing.it.LifecycleEvents.event;
import static com.adventive.billing.it.LifecycleEvents.postAndWork;
import static com.adventive.billing.it.LifecycleEvents.stripeBilledAccount;
import static com.adventive.billing.it.LifecycleEvents.subscription;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * customer.updated and customer.subscription.* through the real webhook: the customer's new email
 * is where the next invoice email goes, and a subscription's events in any order and duplication
 * end with the subscription as Stripe has it (an out-of-order copy makes the worker ask Stripe).
 */
@BillingIT
class AccountObjectsIT {

    @RegisterExtension
    final AdminClient admin = new AdminClient();

    @Test
    void theNextInvoiceEmailGoesToTheEmailCustomerUpdatedGave(Db db, WebhookClient webhook, Mailbox mailbox,
                                                              StripeApiStub stripe) {
        String oldEmail = uniqueEmail("old-address");
        String newEmail = uniqueEmail("new-address");
        var invoice = Fixtures.invoiceFinalized().customerEmail(oldEmail).build();
        stripeBilledAccount(db, invoice.acctId(), invoice.customerId());
        stripe.stubInvoice(invoice, 100);
        postAndWork(db, webhook, invoice.eventJson());
        assertEquals(1, mailbox.waitFor(oldEmail, 1).size(), "the invoice went to the invoice's address");

        // Stripe's event for the change is created after the invoice was recorded.
        Instant later = Instant.now().plusSeconds(5);
        String older = event("customer.updated", customer(invoice.customerId(), uniqueEmail("stale")), later.minusSeconds(3600));
        postAndWork(db, webhook, event("customer.updated", customer(invoice.customerId(), newEmail), later));
        stripe.stubCustomer(customer(invoice.customerId(), newEmail));
        postAndWork(db, webhook, older); // late and older: Stripe is asked, the newer address stays

        assertEquals(newEmail, db.rows("SELECT email FROM stripe_customer WHERE stripe_customer_id = ?",
                invoice.customerId()).get(0).get("email"));
        assertEquals(invoice.acctId(), db.rows("SELECT acct_id FROM stripe_customer WHERE stripe_customer_id = ?",
                invoice.customerId()).get(0).get("acct_id"), "the account table names the customer's account");
        assertTrue(stripe.requestsTo("/v1/customers/" + invoice.customerId()) >= 1, "the older copy made it ask Stripe");

        HttpResponse<String> resend = admin.post("/admin/resend-invoice",
                "{\"invoice_id\":\"" + invoice.invoiceId() + "\"}");
        assertEquals(200, resend.statusCode(), resend.body());
        assertEquals(newEmail, AdminClient.json(resend).getString("recipient"), "the answer names where it went");
        assertEquals(1, mailbox.waitFor(newEmail, 1).size(), "the next email went to the new address");
        assertEquals(1, mailbox.countTo(oldEmail), "and not to the old one again");
        assertEquals(1, db.count("SELECT COUNT(*) FROM email_delivery WHERE stripe_invoice_id = ? AND recipient = ?",
                invoice.invoiceId(), newEmail));
    }

    @Test
    void aSubscriptionsEventsInAnyOrderEndAsStripeHasIt(Db db, WebhookClient webhook, StripeApiStub stripe) {
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(2, ChronoUnit.DAYS);
        List<List<Integer>> orders = List.of(List.of(0, 1, 2, 3), List.of(3, 2, 1, 0), List.of(1, 3, 0, 2, 3, 1),
                List.of(2, 0, 2, 1, 3));
        List<String> states = new ArrayList<>();
        for (List<Integer> order : orders) {
            String acctId = Fixtures.stripeId("acct_", 16);
            String customerId = Fixtures.stripeId("cus_", 14);
            String subscriptionId = Fixtures.stripeId("sub_", 24);
            stripeBilledAccount(db, acctId, customerId);
            String canceled = subscription(subscriptionId, customerId, "canceled", List.of("price_pro", "price_impressions"),
                    t0.plusSeconds(3000).getEpochSecond());
            stripe.stubGet("/v1/subscriptions/" + subscriptionId, canceled);
            List<String> life = List.of(
                    event("customer.subscription.created", subscription(subscriptionId, customerId, "incomplete",
                            List.of("price_basic"), null), t0),
                    event("customer.subscription.updated", subscription(subscriptionId, customerId, "active",
                            List.of("price_basic"), null), t0.plusSeconds(1000)),
                    event("customer.subscription.updated", subscription(subscriptionId, customerId, "active",
                            List.of("price_pro", "price_impressions"), null), t0.plusSeconds(2000)),
                    event("customer.subscription.deleted", canceled, t0.plusSeconds(3000)));
            for (int index : order) {
                postAndWork(db, webhook, life.get(index));
            }
            List<Map<String, Object>> rows = db.rows("SELECT acct_id, status, plan, items_json, canceled_at "
                    + "FROM account_subscription WHERE stripe_subscription_id = ?", subscriptionId);
            assertEquals(1, rows.size());
            assertEquals(acctId, rows.get(0).get("acct_id"), "stored under the account the table names");
            String state = rows.get(0).get("status") + "|" + rows.get(0).get("plan") + "|"
                    + rows.get(0).get("items_json").toString().replace(subscriptionId.substring(4), "*") + "|"
                    + rows.get(0).get("canceled_at");
            states.add(state);
            assertEquals(states.get(0), state, "order " + order);
        }
        assertTrue(states.get(0).startsWith("canceled|price_pro|"), states.get(0));
        assertTrue(states.get(0).contains("si_1_*"), "both item ids: " + states.get(0));
    }

    @Test
    void anActiveSubscriptionDowngradedThenAnOlderUpgradeArrivingLateStaysAsStripeSays(Db db, WebhookClient webhook,
                                                                                     StripeApiStub stripe) {
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(1, ChronoUnit.DAYS);
        String customerId = Fixtures.stripeId("cus_", 14);
        String subscriptionId = Fixtures.stripeId("sub_", 24);
        String basic = subscription(subscriptionId, customerId, "active", List.of("price_basic"), null);
        String pro = subscription(subscriptionId, customerId, "active", List.of("price_pro"), null);
        stripe.stubGet("/v1/subscriptions/" + subscriptionId, basic);

        postAndWork(db, webhook, event("customer.subscription.updated", basic, t0.plusSeconds(600)));
        int fetchesBefore = stripe.requestsTo("/v1/subscriptions/" + subscriptionId);
        postAndWork(db, webhook, event("customer.subscription.updated", pro, t0)); // the older upgrade, late

        assertEquals("price_basic", db.rows("SELECT plan FROM account_subscription WHERE stripe_subscription_id = ?",
                subscriptionId).get(0).get("plan"));
        assertEquals(fetchesBefore + 1, stripe.requestsTo("/v1/subscriptions/" + subscriptionId),
                "the late, older copy was checked with Stripe once");
    }
}
