package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.ReceivedMail;
import com.adventive.billing.it.support.StripeApiStub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static com.adventive.billing.it.LifecycleEvents.customer;
import static com.adventive.billing.it.LifecycleEvents.stripeBilledAccount;
import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * POST /admin/payment-method-link: a Customer Portal session (or a Checkout setup session when the
 * portal is off), emailed once per request on demand, never for an account the legacy system bills.
 */
@BillingIT
class PaymentMethodLinkIT {

    static final String PORTAL_URL = "https://billing.stripe.com/p/session/test_YWNjdF9oYXJuZXNz";
    static final String CHECKOUT_URL = "https://checkout.stripe.com/c/pay/cs_test_harness";

    private final AdminClient admin = new AdminClient();

    @BeforeEach
    void registerOperator(StripeApiStub stripe) {
        admin.register();
        stripe.stubPost("/v1/billing_portal/sessions", "{\"id\":\"bps_harness\",\"object\":\"billing_portal.session\","
                + "\"url\":\"" + PORTAL_URL + "\"}");
        stripe.stubPost("/v1/checkout/sessions", "{\"id\":\"cs_test_harness\",\"object\":\"checkout.session\","
                + "\"mode\":\"setup\",\"url\":\"" + CHECKOUT_URL + "\"}");
    }

    @AfterEach
    void unregisterOperator() {
        admin.unregister();
        BillingServer.removeSecret("STRIPE_CUSTOMER_PORTAL");
    }

    @Test
    void aPortalLinkIsAnsweredAndEmailedOncePerRequest(Db db, Mailbox mailbox, StripeApiStub stripe) {
        String email = uniqueEmail("update-card");
        String acctId = Fixtures.stripeId("acct_", 16);
        String customerId = Fixtures.stripeId("cus_", 14);
        stripeBilledAccount(db, acctId, customerId);
        stripe.stubCustomer(customer(customerId, email));

        HttpResponse<String> plain = admin.post("/admin/payment-method-link", "{\"acct_id\":\"" + acctId + "\"}");
        assertEquals(200, plain.statusCode(), plain.body());
        assertEquals(PORTAL_URL, AdminClient.json(plain).getString("url"));
        assertEquals("portal", AdminClient.json(plain).getString("kind"));
        assertTrue(AdminClient.json(plain).isNull("email"), "not emailed unless asked");
        String sessionRequest = stripe.requests("POST", "/v1/billing_portal/sessions").get(0).getBodyAsString();
        assertTrue(sessionRequest.contains("customer=" + customerId), sessionRequest);

        HttpResponse<String> emailed = admin.post("/admin/payment-method-link",
                "{\"acct_id\":\"" + acctId + "\",\"email\":true}");
        assertEquals(200, emailed.statusCode(), emailed.body());
        assertEquals("sent", AdminClient.json(emailed).getJsonObject("email").getString("outcome"));
        ReceivedMail mail = mailbox.waitFor(email, 1).get(0);
        assertTrue(mail.subject().startsWith("Update your payment method"), mail.subject());
        assertTrue(mail.text().contains(PORTAL_URL), mail.text());
        assertTrue(mail.html().contains(PORTAL_URL), "the html body links the portal");
        assertTrue(mail.attachments().isEmpty());
        assertEquals(1, mailbox.countTo(email), "one email for the one request that asked");

        admin.post("/admin/payment-method-link", "{\"acct_id\":\"" + acctId + "\",\"email\":true}");
        assertEquals(2, mailbox.waitFor(email, 2).size(), "a second request is a second email");
        assertEquals(2, db.count("SELECT COUNT(*) FROM email_delivery WHERE template = 'payment_method_update' "
                + "AND stripe_invoice_id = ? AND status = 'sent'", acctId));
        assertEquals(3, db.count("SELECT COUNT(*) FROM admin_audit WHERE path LIKE '%payment-method-link%' "
                + "AND outcome = 'allowed' AND target = ?", acctId), "every call audited, naming the account");
    }

    @Test
    void withoutThePortalItIsACheckoutSetupSession(Db db, StripeApiStub stripe) {
        BillingServer.writeSecret("STRIPE_CUSTOMER_PORTAL", "false");
        String acctId = Fixtures.stripeId("acct_", 16);
        String customerId = Fixtures.stripeId("cus_", 14);
        stripeBilledAccount(db, acctId, customerId);

        HttpResponse<String> response = admin.post("/admin/payment-method-link", "{\"acct_id\":\"" + acctId + "\"}");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(CHECKOUT_URL, AdminClient.json(response).getString("url"));
        assertEquals("checkout_setup", AdminClient.json(response).getString("kind"));
        String body = stripe.requests("POST", "/v1/checkout/sessions").get(0).getBodyAsString();
        assertTrue(body.contains("mode=setup") && body.contains("customer=" + customerId), body);
    }

    @Test
    void aLegacyBilledAccountGetsNoLinkAndNoEmail(Db db, Mailbox mailbox, StripeApiStub stripe) {
        String email = uniqueEmail("legacy-card");
        String acctId = Fixtures.stripeId("acct_", 16);
        String customerId = Fixtures.stripeId("cus_", 14);
        db.execute("INSERT INTO billing_account (acct_id, stripe_customer_id, billed_by, display_name, updated_at) "
                + "VALUES (?, ?, 'legacy', 'Legacy cohort', CURRENT_TIMESTAMP)", acctId, customerId);
        stripe.stubCustomer(customer(customerId, email));
        int sessionsBefore = stripe.requests("POST", "/v1/billing_portal/sessions").size();

        HttpResponse<String> response = admin.post("/admin/payment-method-link",
                "{\"acct_id\":\"" + acctId + "\",\"email\":true}");
        assertEquals(409, response.statusCode(), response.body());
        assertTrue(response.body().contains("legacy_account"), response.body());
        assertEquals(sessionsBefore, stripe.requests("POST", "/v1/billing_portal/sessions").size(), "no session created");
        assertEquals(0, db.count("SELECT COUNT(*) FROM email_delivery WHERE stripe_invoice_id = ?", acctId));
        assertEquals(0, mailbox.countTo(email));
        assertEquals(404, admin.post("/admin/payment-method-link", "{\"acct_id\":\"acct_unknown0000\"}").statusCode());
    }
}
