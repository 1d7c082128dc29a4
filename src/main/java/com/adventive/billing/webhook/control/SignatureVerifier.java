package com.adventive.billing.webhook.control;

import com.adventive.billing.platform.control.Settings;
import com.adventive.billing.platform.control.StripeGateway;
import com.stripe.exception.SignatureVerificationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/**
 * Checks Stripe-Signature with stripe-java against every configured secret, so the old and the new
 * secret both verify while a rotation is in progress.
 */
@ApplicationScoped
public class SignatureVerifier {

    @Inject
    Settings settings;

    public boolean isConfigured() {
        return !settings.stripeWebhookSecrets().isEmpty();
    }

    /**
     * @throws SignatureVerificationException when the header is missing or malformed, or no configured
     *                                        secret verifies the payload; never anything else
     */
    public void verify(String payload, String signatureHeader) throws SignatureVerificationException {
        verify(payload, signatureHeader, settings.stripeWebhookSecrets());
    }

    static void verify(String payload, String signatureHeader, List<String> secrets)
            throws SignatureVerificationException {
        if (SignatureHeader.shapeOf(signatureHeader) != SignatureHeader.Shape.WELL_FORMED) {
            // never echo the header: it is attacker-controlled and may be kilobytes long
            throw new SignatureVerificationException("Stripe-Signature is missing or malformed", null);
        }
        SignatureVerificationException last = null;
        for (String secret : secrets) {
            try {
                StripeGateway.verifyWebhookSignature(payload, signatureHeader, secret);
                return;
            } catch (SignatureVerificationException e) {
                last = e;
            } catch (RuntimeException e) {
                // stripe-java parses the header loosely (NumberFormatException, ArrayIndexOutOfBounds…);
                // the shape check above should leave nothing for it to trip on, but a refusal is a 400, not a 500
                last = new SignatureVerificationException("Stripe-Signature could not be parsed", null);
            }
        }
        throw last != null ? last : new SignatureVerificationException("No webhook secret configured", null);
    }
}
