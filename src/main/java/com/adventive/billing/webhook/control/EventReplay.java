package com.adventive.billing.webhook.control;

import com.adventive.billing.platform.control.StripeGateway;
import com.adventive.billing.webhook.entity.EventEnvelope;
import com.stripe.exception.StripeException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Catches up on events Stripe could not deliver: lists Stripe's events (the Events API keeps 30
 * days) and stores every one the worker never stored through the same intake as the webhook, so
 * it gets the same work item as if it had been delivered. An event stored before is left alone.
 */
@ApplicationScoped
public class EventReplay {

    /** How far back Stripe's Events API answers. */
    public static final Duration STRIPE_EVENT_RETENTION = Duration.ofDays(30);
    static final long PAGE_SIZE = 100;
    /** A guard against a paging loop that never ends (100,000 events). */
    static final int MAX_PAGES = 1_000;
    private static final Logger LOG = Logger.getLogger(EventReplay.class.getName());

    @Inject
    StripeGateway stripe;

    @Inject
    EventIntake intake;

    /**
     * @param since         the oldest event asked for (no older than Stripe keeps)
     * @param listed        events Stripe listed
     * @param alreadyKnown  of those, stored before (delivered, or replayed earlier)
     * @param newlyStored   stored now: {@code queued} of them got work, the others are types the worker ignores
     * @param unreadable    listed but not a well-formed event (left alone)
     * @param newEventIds   the events stored now
     * @param queuedWorkItems the work items created now, to be woken
     */
    public record Result(Instant since, int listed, int alreadyKnown, int newlyStored, int queued, int unreadable,
                         List<String> newEventIds, List<Long> queuedWorkItems) {
    }

    /** Earliest moment Stripe still has events for, at {@code now}. */
    public static Instant oldestAvailable(Instant now) {
        return now.minus(STRIPE_EVENT_RETENTION).plusSeconds(60);
    }

    public Result replay(Instant requestedSince) throws StripeException {
        Instant since = requestedSince.isBefore(oldestAvailable(Instant.now())) ? oldestAvailable(Instant.now()) : requestedSince;
        int listed = 0;
        int known = 0;
        int unreadable = 0;
        List<String> stored = new ArrayList<>();
        List<Long> queued = new ArrayList<>();
        String after = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            JsonObject list = parse(stripe.listEventsPage(since.getEpochSecond(), after, PAGE_SIZE));
            JsonArray data = list.get("data") instanceof JsonArray a ? a : JsonValue.EMPTY_JSON_ARRAY;
            for (JsonValue value : data) {
                listed++;
                if (!(value instanceof JsonObject event)) {
                    unreadable++;
                    continue;
                }
                after = event.get("id") instanceof JsonString id ? id.getString() : after;
                String payload = event.toString();
                EventEnvelope envelope;
                try {
                    envelope = EnvelopeParser.parse(payload);
                } catch (MalformedEventException e) {
                    unreadable++;
                    continue;
                }
                EventIntake.Outcome outcome;
                try {
                    outcome = intake.store(envelope, payload);
                } catch (RuntimeException e) {
                    if (intake.alreadyStored(envelope.id())) {
                        known++; // delivered by the webhook at this very moment
                        continue;
                    }
                    throw e;
                }
                if (outcome instanceof EventIntake.Outcome.Duplicate) {
                    known++;
                } else {
                    stored.add(envelope.id());
                    if (outcome instanceof EventIntake.Outcome.Queued q) {
                        queued.add(q.workItemId());
                    }
                }
            }
            if (list.get("has_more") != JsonValue.TRUE || data.isEmpty()) {
                return new Result(since, listed, known, stored.size(), queued.size(), unreadable, stored, queued);
            }
        }
        LOG.warning("Event replay stopped after " + MAX_PAGES + " pages; the rest is left for the next run");
        return new Result(since, listed, known, stored.size(), queued.size(), unreadable, stored, queued);
    }

    private static JsonObject parse(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }
}
