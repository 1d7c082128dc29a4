package com.adventive.billing.webhook.boundary;

import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.webhook.control.EnvelopeParser;
import com.adventive.billing.webhook.control.EventIntake;
import com.adventive.billing.webhook.control.InFlightBodies;
import com.adventive.billing.webhook.control.SignatureHeader;
import com.adventive.billing.webhook.control.SignatureVerifier;
import com.adventive.billing.webhook.entity.EventEnvelope;
import com.adventive.billing.work.boundary.WorkQueueSender;
import com.stripe.exception.SignatureVerificationException;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Stripe's door. Answers 2xx only once the event is durably stored, so Stripe keeps retrying
 * anything we could not keep; the work itself happens later, off the JMS queue.
 *
 * <p>Hostile traffic is cheap to refuse: a request without a well-formed {@code Stripe-Signature}
 * is answered before its body is read, and bodies being read are bounded by {@link InFlightBodies}.
 */
@Path("/webhooks/stripe")
public class StripeWebhookResource {

    static final int MAX_BODY_BYTES = InFlightBodies.MAX_BODY_BYTES;
    private static final int STORAGE_RETRY_AFTER_SECONDS = 10;
    private static final Logger LOG = Logger.getLogger(StripeWebhookResource.class.getName());
    /** Looked up once: {@code Json.createObjectBuilder()} looks the provider up again on every call. */
    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject
    SignatureVerifier verifier;

    @Inject
    EventIntake intake;

    @Inject
    InFlightBodies bodies;

    @Inject
    WorkQueueSender workQueue;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Receive a signed Stripe event")
    public Response receive(@HeaderParam("Stripe-Signature") String signature,
                            @HeaderParam("Content-Length") Long contentLength,
                            InputStream body) {
        if (!verifier.isConfigured()) {
            throw new BillingProblem(503, "webhook_secret_missing",
                    "STRIPE_WEBHOOK_SECRET is not configured; the event was not stored");
        }
        // Judged from the header alone: a request that cannot verify is refused before its body is read.
        switch (SignatureHeader.shapeOf(signature)) {
            case MISSING -> {
                throw new BillingProblem(400, "signature_missing",
                        "the Stripe-Signature header is missing");
            }
            case MALFORMED -> {
                throw new BillingProblem(400, "signature_malformed",
                        "Stripe-Signature is not of the form t=<unix seconds>,v1=<hex signature>");
            }
            case WELL_FORMED -> {
                // read and verify below
            }
        }
        return WebhookBody.take(bodies, contentLength, body, MAX_BODY_BYTES, StripeWebhookResource::tooLarge,
                raw -> verifyAndStore(signature, raw));
    }

    private Response verifyAndStore(String signature, byte[] raw) {
        String payload = new String(raw, StandardCharsets.UTF_8);
        try {
            verifier.verify(payload, signature);
        } catch (SignatureVerificationException e) {
            throw new BillingProblem(400, "signature_invalid",
                    "Stripe-Signature is stale or matches no configured secret");
        }
        return store(EnvelopeParser.parse(payload), payload);
    }

    private Response store(EventEnvelope envelope, String payload) {
        EventIntake.Outcome outcome;
        try {
            outcome = intake.store(envelope, payload);
        } catch (RuntimeException e) {
            if (isStoredByConcurrentDelivery(envelope.id())) {
                return accepted(envelope, "duplicate");
            }
            LOG.log(Level.SEVERE, "Could not store Stripe event " + envelope.id() + "; Stripe will retry", e);
            throw new BillingProblem(503, "storage_unavailable", "the event could not be stored; retry later",
                    STORAGE_RETRY_AFTER_SECONDS, e);
        }
        if (outcome instanceof EventIntake.Outcome.Queued queued) {
            workQueue.wakeNew(queued.workItemId());
            return accepted(envelope, "queued");
        }
        return accepted(envelope, outcome instanceof EventIntake.Outcome.Duplicate ? "duplicate" : "ignored");
    }

    private boolean isStoredByConcurrentDelivery(String eventId) {
        try {
            return intake.alreadyStored(eventId);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Response accepted(EventEnvelope envelope, String disposition) {
        String body = JSON.createObjectBuilder()
                .add("received", true)
                .add("id", envelope.id())
                .add("disposition", disposition)
                .build().toString();
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build();
    }

    private static BillingProblem tooLarge() {
        return new BillingProblem(413, "body_too_large", "webhook bodies are limited to " + MAX_BODY_BYTES + " bytes");
    }
}
