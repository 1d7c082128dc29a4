package com.adventive.billing.webhook.boundary;

import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.platform.control.Clock;
import com.adventive.billing.platform.control.Settings;
import com.adventive.billing.webhook.control.InFlightBodies;
import com.adventive.billing.webhook.control.MailgunIntake;
import com.adventive.billing.webhook.control.MailgunPayloadParser;
import com.adventive.billing.webhook.control.MailgunSignatureVerifier;
import com.adventive.billing.webhook.entity.MailgunEvent;
import com.adventive.billing.webhook.entity.MailgunSignature;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Mailgun's door: event webhooks about the emails the worker sent (delivered, failed, complained,
 * unsubscribed), which feed each email's provider status and the suppression list. Answers 200 only
 * once the event's effects are committed. Mailgun retries any answer but 200 and 406, so a refusal
 * that a retry cannot change (stale signature, replayed token) is a 406, and one that a fix on our
 * side can (unknown key, a body we could not read) is a 400 or 503 that Mailgun retries for hours.
 */
@Path("/webhooks/mailgun")
public class MailgunWebhookResource {

    /** Mailgun's events are a few KiB; this leaves room for long headers and user variables. */
    static final int MAX_BODY_BYTES = 256 * 1024;
    private static final int STORAGE_RETRY_AFTER_SECONDS = 10;
    private static final Duration PRUNE_EVERY = Duration.ofMinutes(10);
    private static final Logger LOG = Logger.getLogger(MailgunWebhookResource.class.getName());

    private static final AtomicLong lastPrune = new AtomicLong();

    @Inject
    MailgunSignatureVerifier verifier;

    @Inject
    MailgunIntake intake;

    @Inject
    InFlightBodies bodies;

    @Inject
    Settings settings;

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Receive a signed Mailgun event (delivered, failed, complained, unsubscribed)")
    public Response receive(@HeaderParam("Content-Length") Long contentLength, InputStream body) {
        if (!verifier.isConfigured()) {
            throw new BillingProblem(503, "mailgun_signing_key_missing",
                    "MAILGUN_WEBHOOK_SIGNING_KEY is not configured; the event was not taken");
        }
        Response answer = WebhookBody.take(bodies, contentLength, body, MAX_BODY_BYTES,
                MailgunWebhookResource::tooLarge, this::verifyAndTake);
        pruneTokensNowAndThen();
        return answer;
    }

    private Response verifyAndTake(byte[] raw) {
        JsonObject json = MailgunPayloadParser.body(raw);
        MailgunSignature signature = MailgunPayloadParser.signature(json);
        verifier.verify(signature);
        // Only a verified body is looked at further.
        String name = MailgunPayloadParser.eventName(json);
        MailgunEvent event = MailgunPayloadParser.TRACKED.contains(name)
                ? MailgunPayloadParser.event(json, Clock.fromEpochSecond(signature.epochSecond()))
                : null;
        try {
            intake.accept(signature, event);
        } catch (BillingProblem refused) {
            throw refused;
        } catch (RuntimeException e) {
            if (isTakenByConcurrentRequest(signature.token())) {
                throw MailgunIntake.replayed();
            }
            LOG.log(Level.SEVERE, "Could not take Mailgun event " + name + "; Mailgun will retry", e);
            throw new BillingProblem(503, "storage_unavailable", "the event could not be stored; retry later",
                    STORAGE_RETRY_AFTER_SECONDS, e);
        }
        JsonObjectBuilder answer = Json.createObjectBuilder()
                .add("received", true)
                .add("event", name)
                .add("disposition", event == null ? "ignored" : "recorded");
        if (event != null && event.eventId() != null) {
            answer.add("id", event.eventId());
        }
        return Response.ok(answer.build().toString(), MediaType.APPLICATION_JSON_TYPE).build();
    }

    private boolean isTakenByConcurrentRequest(String token) {
        try {
            return intake.tokenSeen(token);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Seen tokens are needed only while their signature could pass; at most one prune per interval. */
    private void pruneTokensNowAndThen() {
        long now = System.nanoTime();
        long last = lastPrune.get();
        if (last != 0 && now - last < PRUNE_EVERY.toNanos() || !lastPrune.compareAndSet(last, now)) {
            return;
        }
        try {
            Instant cutoff = Instant.now().minus(settings.mailgunWebhookTolerance()).minus(Duration.ofMinutes(5));
            intake.forgetTokensSignedBefore(Clock.fromEpochSecond(cutoff.getEpochSecond()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not forget old Mailgun webhook tokens; will try again later", e);
        }
    }

    private static BillingProblem tooLarge() {
        return new BillingProblem(413, "body_too_large",
                "Mailgun webhook bodies are limited to " + MAX_BODY_BYTES + " bytes");
    }
}
