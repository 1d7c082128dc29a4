package com.adventive.billing.admin.boundary;

import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.webhook.control.EventReplay;
import com.adventive.billing.work.boundary.WorkQueueSender;
import com.stripe.exception.StripeException;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** The fix for "webhook not delivered" after Stripe stopped retrying: store what Stripe lists and we never got. */
@Path("/admin/events/replay")
@Tag(name = "events", description = "Operational events, and catching up on Stripe events never delivered")
public class AdminEventReplayResource {

    @Inject
    EventReplay replay;

    @Inject
    WorkQueueSender workQueue;

    @Inject
    OperationalLog operationalLog;

    @Context
    SecurityContext security;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "List Stripe's events since a moment and store every one the worker never stored",
            description = "Body {\"since\":\"2026-11-20T00:00:00Z\"} (ISO-8601; Stripe keeps 30 days, an older "
                    + "since is moved up to that). New events go through the webhook's intake and get the same "
                    + "work as a delivered one. Answers listed, already_known, newly_stored (queued of them got "
                    + "work) and the new event ids.")
    public EventReplay.Result replay(JsonObject body) throws StripeException {
        Instant since = sinceFrom(body);
        EventReplay.Result result = replay.replay(since);
        result.queuedWorkItems().forEach(workQueue::wakeNew);
        operationalLog.record(new OperationalContext(null, null, null, null), "events_replayed",
                "by " + AdminPrincipals.describe(security) + " since " + result.since() + ": listed=" + result.listed()
                        + " already_known=" + result.alreadyKnown() + " newly_stored=" + result.newlyStored()
                        + " queued=" + result.queued());
        return result;
    }

    private static Instant sinceFrom(JsonObject body) {
        if (body == null || !(body.get("since") instanceof JsonString since)) {
            throw AdminRequests.invalid("expected a JSON body like {\"since\":\"2026-11-20T00:00:00Z\"}");
        }
        try {
            Instant parsed = Instant.parse(since.getString());
            if (parsed.isAfter(Instant.now())) {
                throw BillingProblem.badRequest("since_invalid", "since is in the future");
            }
            return parsed;
        } catch (DateTimeParseException e) {
            throw BillingProblem.badRequest("since_invalid", "since must be an ISO-8601 instant such as 2026-11-20T00:00:00Z");
        }
    }
}
