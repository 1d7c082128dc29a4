package com.adventive.billing.lifecycle.control;

import com.adventive.billing.lifecycle.entity.AdjustmentSnapshot;
import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.webhook.control.StoredEvents;
import com.adventive.billing.webhook.entity.ReceivedEvent;
import com.adventive.billing.work.control.PermanentWorkFailure;
import com.adventive.billing.work.control.WorkContext;
import com.adventive.billing.work.control.WorkHandler;
import com.adventive.billing.work.entity.WorkState;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;

/**
 * Refunds, credit notes and disputes: the event's copy of the object is merged into its
 * adjustment record (for reconciliation and disputes) and the event is added to the history.
 * Nothing here emails anyone.
 */
public abstract class AdjustmentHandler implements WorkHandler {

    @Inject
    StoredEvents events;

    @Inject
    LifecycleLedger ledger;

    @Inject
    OperationalLog operationalLog;

    protected abstract AdjustmentSnapshot read(JsonObject object);

    @Override
    public WorkState handle(WorkContext context) throws Exception {
        ReceivedEvent event = events.withObjectForWork(context.subject());
        AdjustmentSnapshot copy = read(event.dataObject());
        if (copy.objectId() == null || !AdjustmentSnapshots.STRIPE_ID.matcher(copy.objectId()).matches()) {
            throw new PermanentWorkFailure("event_malformed", "event data.object has no valid id");
        }
        OperationalContext op = context.operational().withInvoice(copy.invoiceId());
        LifecycleLedger.RecordedAdjustment recorded = ledger.record(event.eventId(), event.type(), copy,
                event.occurredAt());
        afterRecording(copy, recorded, op);
        return WorkState.DONE;
    }

    protected void afterRecording(AdjustmentSnapshot copy, LifecycleLedger.RecordedAdjustment recorded,
                                  OperationalContext op) {
    }
}
