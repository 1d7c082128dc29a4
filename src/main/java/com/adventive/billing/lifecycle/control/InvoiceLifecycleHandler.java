package com.adventive.billing.lifecycle.control;

import com.adventive.billing.lifecycle.entity.InvoiceSnapshot;
import com.adventive.billing.platform.control.Ids;
import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.webhook.control.StoredEvents;
import com.adventive.billing.webhook.entity.ReceivedEvent;
import com.adventive.billing.work.control.PermanentWorkFailure;
import com.adventive.billing.work.control.WorkContext;
import com.adventive.billing.work.control.WorkHandler;
import com.adventive.billing.work.entity.WorkState;
import jakarta.inject.Inject;

/**
 * What every invoice lifecycle event does first: read the stored event's copy of the invoice and
 * merge it into the invoice's lifecycle record (see InvoiceLifecycle for why any order ends in the
 * same state). Nothing here emails anyone, so it is the same for legacy-billed accounts.
 */
public abstract class InvoiceLifecycleHandler implements WorkHandler {

    @Inject
    StoredEvents events;

    @Inject
    LifecycleLedger ledger;

    @Inject
    OperationalLog operationalLog;

    @Override
    public WorkState handle(WorkContext context) throws Exception {
        ReceivedEvent event = events.withObjectForWork(context.subject());
        InvoiceSnapshot copy = InvoiceSnapshots.of(event.dataObject());
        if (!Ids.INVOICE.matches(copy.invoiceId())) {
            throw new PermanentWorkFailure("event_malformed", "event data.object has no valid invoice id");
        }
        OperationalContext op = context.operational().withInvoice(copy.invoiceId());
        LifecycleLedger.Recorded recorded = ledger.record(event.eventId(), event.type(), copy, event.occurredAt());
        return afterRecording(event, copy, recorded, op);
    }

    /** What the event does beyond the record; by default nothing. Runs again on a retry. */
    protected WorkState afterRecording(ReceivedEvent event, InvoiceSnapshot copy, LifecycleLedger.Recorded recorded,
                                       OperationalContext op) throws Exception {
        return WorkState.DONE;
    }
}
