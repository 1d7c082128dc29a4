package com.adventive.billing.webhook.control;

import com.adventive.billing.webhook.entity.ReceivedEvent;
import com.adventive.billing.webhook.entity.StripeEvent;
import com.adventive.billing.work.control.PermanentWorkFailure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The read side of the event inbox. Handlers get a stored event with its payload already parsed:
 * the webhook owns the event's JSON, so no other capability parses raw payloads.
 */
@ApplicationScoped
public class StoredEvents {

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    public Optional<ReceivedEvent> read(String eventId) {
        StripeEvent event = em.find(StripeEvent.class, eventId);
        if (event == null) {
            return Optional.empty();
        }
        LocalDateTime occurred = event.stripeCreated() != null ? event.stripeCreated() : event.receivedAt();
        return Optional.of(new ReceivedEvent(event.eventId(), event.eventType(), event.apiVersion(),
                occurred == null ? null : occurred.toInstant(ZoneOffset.UTC), dataObject(event.payload())));
    }

    /** The stored event a work item is about: without it the work can never succeed. */
    public ReceivedEvent forWork(String eventId) throws PermanentWorkFailure {
        return read(eventId).orElseThrow(() -> new PermanentWorkFailure("event_missing", "no stored event " + eventId));
    }

    /** The same for the handlers of an object's event, which cannot do anything without its data.object. */
    public ReceivedEvent withObjectForWork(String eventId) throws PermanentWorkFailure {
        ReceivedEvent event = forWork(eventId);
        if (event.dataObject() == null) {
            throw new PermanentWorkFailure("event_malformed", "event has no data.object");
        }
        return event;
    }

    private static JsonObject dataObject(String payload) {
        try {
            JsonObject event = EnvelopeParser.readObject(payload);
            if (event.get("data") instanceof JsonObject data && data.get("object") instanceof JsonObject object) {
                return object;
            }
        } catch (MalformedEventException e) {
            // stored before validation tightened, or damaged: the handler decides what that means
        }
        return null;
    }
}
