package com.adventive.billing.it;

import com.adventive.billing.it.support.BillingIT;
import com.adventive.billing.it.support.BillingServer;
import com.adventive.billing.it.support.Db;
import com.adventive.billing.it.support.Fixtures;
import com.adventive.billing.it.support.Mailbox;
import com.adventive.billing.it.support.StripeApiStub;
import com.adventive.billing.it.support.StripeSigner;
import com.adventive.billing.it.support.WebhookClient;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.adventive.billing.it.WorkAssertions.uniqueEmail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Secrets rewritten in SECRETS_DIR while the server runs are used by the very next request. */
@BillingIT
class SecretRotationIT {

    @AfterEach
    void restoreSecrets() {
        BillingServer.removeSecret("STRIPE_WEBHOOK_SECRET");
        BillingServer.removeSecret("STRIPE_SECRET_KEY");
    }

    @Test
    void aRotatedWebhookSecretAppliesToTheNextDeliveryWithoutRestart(Db db, WebhookClient webhook) {
        StripeSigner rotated = new StripeSigner("whsec_rotated_" + System.nanoTime());
        BillingServer.writeSecret("STRIPE_WEBHOOK_SECRET", rotated.secret());

        var signedWithOld = Fixtures.invoiceFinalized().type("charge.refunded").build();
        assertEquals(400, webhook.post(signedWithOld.eventBytes(),
                BillingServer.currentSigner().header(signedWithOld.eventJson())).statusCode(),
                "the replaced secret no longer verifies");
        var signedWithNew = Fixtures.invoiceFinalized().type("charge.refunded").build();
        assertEquals(200, webhook.post(signedWithNew.eventBytes(),
                rotated.header(signedWithNew.eventJson())).statusCode(), "the new secret verifies at once");
        assertEquals(0, db.count("SELECT COUNT(*) FROM stripe_event WHERE event_id = ?", signedWithOld.eventId()));
    }

    @Test
    void aRotatedStripeKeyIsUsedByTheNextStripeCall(WebhookClient webhook, Mailbox mailbox, StripeApiStub stripe) {
        String rotatedKey = "sk_test_rotated_" + System.nanoTime();
        BillingServer.writeSecret("STRIPE_SECRET_KEY", rotatedKey);

        // no api_version: the worker must fetch the invoice from Stripe, with whatever key is current
        var invoice = Fixtures.invoiceFinalized().apiVersion(null).customerEmail(uniqueEmail("rotkey")).build();
        stripe.stubInvoice(invoice, 100);
        assertEquals(200, webhook.postSigned(invoice.eventJson()).statusCode());
        assertEquals(1, mailbox.waitFor(invoice.customerEmail(), 1).size());

        List<LoggedRequest> calls = stripe.requests("/v1/invoices/" + invoice.invoiceId());
        assertFalse(calls.isEmpty());
        for (LoggedRequest call : calls) {
            assertEquals("Bearer " + rotatedKey, call.getHeader("Authorization"));
        }
        assertFalse(BillingServer.messagesLogTail(2000).contains(rotatedKey), "the key never appears in the log");
    }
}
