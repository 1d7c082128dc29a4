package com.adventive.billing.lifecycle.control;

import com.adventive.billing.lifecycle.entity.InvoiceSnapshot;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.webhook.entity.ReceivedEvent;
import com.adventive.billing.work.entity.WorkState;
import jakarta.enterprise.context.ApplicationScoped;

/** invoice.marked_uncollectible: recorded, and an operational event invoice_uncollectible once per Stripe event. */
@ApplicationScoped
public class InvoiceMarkedUncollectibleHandler extends InvoiceLifecycleHandler {

    public static final String INVOICE_UNCOLLECTIBLE = "invoice_uncollectible";

    @Override
    public String kind() {
        return "invoice.marked_uncollectible";
    }

    @Override
    protected WorkState afterRecording(ReceivedEvent event, InvoiceSnapshot copy, LifecycleLedger.Recorded recorded,
                                       OperationalContext op) {
        if (recorded.firstTime()) {
            operationalLog.record(op, INVOICE_UNCOLLECTIBLE, "invoice " + copy.invoiceId()
                    + " marked uncollectible at " + copy.markedUncollectibleAt() + "; now " + recorded.state().status());
        }
        return WorkState.DONE;
    }
}
