package com.adventive.billing.webhook.control;

import com.adventive.billing.platform.control.Settings;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/**
 * Checks Stripe-Signature with stripe-java against every configured secret, so the old and the new
 * secret both verify while a rotation is in progress.
 */
@ApplicationScoped
public class SignatureVerifier {

    /** Stripe's own default: events signed more than five minutes ago are refused as replays. */
    static final long TOLERANCE_SECONDS = Webhook.DEFAULT_TOLERANCE;

    @Inject
    Settings settings;

    public boolean isConfigured() {
        return !settings.stripeWebhookSecrets().isEmpty();
    }

    /** @throws SignatureVerificationException when no configured secret verifies the payload */
    public void verify(String payload, String signatureHeader) throws SignatureVerificationException {
        List<String> secrets = settings.stripeWebhookSecrets();
        if (signatureHeader == null || signatureHeader.isBlank()) {
            throw new SignatureVerificationException("Missing Stripe-Signature header", null);
        }
        SignatureVerificationException last = null;
        for (String secret : secrets) {
            try {
                Webhook.Signature.verifyHeader(payload, signatureHeader, secret, TOLERANCE_SECONDS);
                return;
            } catch (SignatureVerificationException e) {
                last = e;
            }
        }
        throw last != null ? last : new SignatureVerificationException("No webhook secret configured", signatureHeader);
    }
}
