package com.adventive.billing.lifecycle.control;

import com.adventive.billing.lifecycle.control.AccountRecords.Applied;
import com.adventive.billing.lifecycle.entity.ObjectCopy;
import com.adventive.billing.platform.control.Ids;
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
import java.util.function.BiFunction;
import java.util.function.Function;

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

    /** How one kind of account object is read (from an event's data.object or Stripe's answer), named, stored and fetched. */
    protected record AccountObject<S>(Function<JsonObject, S> reader, Function<S, String> idOf, Ids idShape,
                                      BiFunction<S, ObjectCopy, Applied> store,
                                      BiFunction<S, ObjectCopy, Applied> storeWithoutStripe, CurrentCopy fetch) {
    }

    /** Stripe's current copy as JSON. */
    protected interface CurrentCopy {
        String json(String id) throws StripeException;
    }

    /** This handler's kind of object (built on use: it refers to the injected ledger and gateway). */
    protected abstract AccountObject<S> object();

    @Override
    public WorkState handle(WorkContext context) throws Exception {
        ReceivedEvent event = events.withObjectForWork(context.subject());
        AccountObject<S> object = object();
        S copy = object.reader().apply(event.dataObject());
        String id = object.idOf().apply(copy);
        if (!object.idShape().matches(id)) {
            throw new PermanentWorkFailure("event_malformed", "event data.object has no valid id");
        }
        Instant created = event.occurredAt() != null ? event.occurredAt() : Instant.now();
        ObjectCopy from = ObjectCopy.ofEvent(created, event.eventId());
        if (object.store().apply(copy, from) != Applied.STALE) {
            return WorkState.DONE;
        }
        OperationalContext op = context.operational();
        if (!stripe.isConfigured()) {
            object.storeWithoutStripe().apply(copy, from);
            operationalLog.record(op, "stale_copy_kept", id + ": the event's copy is older than the stored one "
                    + "and STRIPE_SECRET_KEY is not set to fetch the current one; the newer copy is kept");
            return WorkState.DONE;
        }
        Optional<S> current = current(object, id);
        if (current.isEmpty()) {
            operationalLog.record(op, "stale_copy_kept", id + ": Stripe no longer has it; the stored copy is kept");
            return WorkState.DONE;
        }
        object.store().apply(current.get(), ObjectCopy.fetched(Instant.now()));
        return WorkState.DONE;
    }

    private Optional<S> current(AccountObject<S> object, String id) throws StripeException {
        try {
            try (var reader = Json.createReader(new StringReader(object.fetch().json(id)))) {
                return Optional.of(object.reader().apply(reader.readObject()));
            }
        } catch (InvalidRequestException e) {
            if (Integer.valueOf(404).equals(e.getStatusCode())) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
