package com.adventive.billing.lifecycle.control;

import com.adventive.billing.lifecycle.control.AccountRecords.Applied;
import com.adventive.billing.lifecycle.entity.ObjectCopy;
import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.platform.control.StripeGateway;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.webhook.control.StoredEvents;
import com.adventive.billing.webhook.entity.ReceivedEvent;
import com.adventive.billing.work.control.PermanentWorkFailure;
import com.adventive.billing.work.control.WorkContext;
import com.adventive.billing.work.control.WorkHandler;
import com.adventive.billing.work.entity.WorkState;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.StringReader;
import java.time.Instant;
import java.util.Optional;

/**
 * customer.* and customer.subscription.* events: the event's copy of the object is stored if it
 * describes a later moment than the stored one. A copy that cannot be placed (older than what is
 * stored, or of the same second and different) is not trusted: Stripe's current copy is fetched and
 * stored instead. So any order and any duplication of the events ends with the object as it is.
 *
 * @param <S> the snapshot type the object is read into
 */
public abstract class AccountObjectHandler<S> implements WorkHandler {

    @Inject
    StoredEvents events;

    @Inject
    AccountRecords records;

    @Inject
    StripeGateway stripe;

    @Inject
    OperationalLog operationalLog;

    /** The object read from its JSON (an event's data.object or Stripe's answer). */
    protected abstract S read(JsonObject object);

    protected abstract String idOf(S copy);

    protected abstract boolean validId(String id);

    protected abstract Applied store(S copy, ObjectCopy from);

    protected abstract Applied storeWithoutStripe(S copy, ObjectCopy from);

    /** Stripe's current copy as JSON. */
    protected abstract String fetch(String id) throws StripeException;

    @Override
    public WorkState handle(WorkContext context) throws Exception {
        ReceivedEvent event = events.read(context.subject())
                .orElseThrow(() -> new PermanentWorkFailure("event_missing", "no stored event " + context.subject()));
        if (event.dataObject() == null) {
            throw new PermanentWorkFailure("event_malformed", "event has no data.object");
        }
        S copy = read(event.dataObject());
        if (!validId(idOf(copy))) {
            throw new PermanentWorkFailure("event_malformed", "event data.object has no valid id");
        }
        Instant created = event.occurredAt() != null ? event.occurredAt() : Instant.now();
        ObjectCopy from = ObjectCopy.ofEvent(created, event.eventId());
        if (store(copy, from) != Applied.STALE) {
            return WorkState.DONE;
        }
        OperationalContext op = context.operational();
        if (!stripe.isConfigured()) {
            storeWithoutStripe(copy, from);
            operationalLog.record(op, "stale_copy_kept", idOf(copy) + ": the event's copy is older than the stored "
                    + "one and STRIPE_SECRET_KEY is not set to fetch the current one; the newer copy is kept");
            return WorkState.DONE;
        }
        Optional<S> current = current(idOf(copy));
        if (current.isEmpty()) {
            operationalLog.record(op, "stale_copy_kept", idOf(copy) + ": Stripe no longer has it; the stored copy is kept");
            return WorkState.DONE;
        }
        store(current.get(), ObjectCopy.fetched(Instant.now()));
        return WorkState.DONE;
    }

    private Optional<S> current(String id) throws StripeException {
        try {
            try (var reader = Json.createReader(new StringReader(fetch(id)))) {
                return Optional.of(read(reader.readObject()));
            }
        } catch (InvalidRequestException e) {
            if (Integer.valueOf(404).equals(e.getStatusCode())) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
