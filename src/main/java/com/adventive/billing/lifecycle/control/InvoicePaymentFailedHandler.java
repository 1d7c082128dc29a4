package com.adventive.billing.lifecycle.control;

import com.adventive.billing.invoice.control.InvoiceMailer;
import com.adventive.billing.invoice.control.InvoiceSource;
import com.adventive.billing.invoice.control.InvoiceWork;
import com.adventive.billing.invoice.entity.LoadedInvoice;
import com.adventive.billing.invoice.entity.PreparedInvoice;
import com.adventive.billing.lifecycle.entity.InvoiceSnapshot;
import com.adventive.billing.platform.control.Settings;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.webhook.entity.ReceivedEvent;
import com.adventive.billing.work.entity.WorkState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Optional;

/**
 * invoice.payment_failed: records the attempt (count, next attempt, decline reason), an operational
 * event payment_failed, and — the worker's part of dunning — one payment_failed email per attempt
 * to the customer of an account billed through Stripe. Legacy-billed accounts never get one
 * (InvoicePreparer stops them), and DUNNING_EMAILS=false turns the emails off where Stripe's own
 * dunning emails are used.
 */
@ApplicationScoped
public class InvoicePaymentFailedHandler extends InvoiceLifecycleHandler {

    public static final String PAYMENT_FAILED = "payment_failed";

    @Inject
    Settings settings;

    @Inject
    InvoiceSource source;

    @Inject
    InvoiceWork invoiceWork;

    @Override
    public String kind() {
        return "invoice.payment_failed";
    }

    @Override
    protected WorkState afterRecording(ReceivedEvent event, InvoiceSnapshot copy, LifecycleLedger.Recorded recorded,
                                       OperationalContext op) throws Exception {
        if (recorded.firstTime()) {
            operationalLog.record(op, PAYMENT_FAILED, "invoice " + copy.invoiceId() + " attempt "
                    + copy.attemptCount() + " failed"
                    + (copy.declineReason() == null ? "" : " (" + copy.declineReason() + ")")
                    + (copy.nextPaymentAttempt() == null ? "; no further attempt scheduled"
                    : "; next attempt " + copy.nextPaymentAttempt()));
        }
        if (!settings.dunningEmails()) {
            return WorkState.DONE;
        }
        if (copy.attemptCount() == null) {
            operationalLog.record(op, "dunning_skipped", "no attempt_count on the event's invoice: no payment_failed email");
            return WorkState.DONE;
        }
        if (!"open".equals(recorded.state().status())) {
            // Paid, voided or uncollectible meanwhile (Stripe's events arrive in any order): asking
            // the customer to pay now would be wrong.
            operationalLog.record(op, "dunning_skipped", "invoice is " + recorded.state().status()
                    + ": no payment_failed email for attempt " + copy.attemptCount());
            return WorkState.DONE;
        }
        Integer latest = recorded.state().attemptCount();
        if (latest != null && copy.attemptCount() < latest) {
            // A late copy of an earlier attempt: the customer was (or is being) told about the later one.
            operationalLog.record(op, "dunning_skipped", "attempt " + copy.attemptCount() + " arrived after attempt "
                    + latest + ": no payment_failed email for it");
            return WorkState.DONE;
        }
        LoadedInvoice loaded;
        try {
            loaded = source.load(event);
        } catch (InvoiceSource.InvoiceNotFoundException e) {
            operationalLog.record(op, "dunning_skipped", e.getMessage() + ": no payment_failed email");
            return WorkState.DONE;
        }
        Optional<PreparedInvoice> preparing = invoiceWork.prepare(loaded, op);
        if (preparing.isEmpty()) {
            return WorkState.DONE; // recorded; the legacy system does its own dunning
        }
        PreparedInvoice prepared = preparing.get();
        invoiceWork.email(mailer -> mailer.sendWithoutAttachment(InvoiceMailer.PAYMENT_FAILED, dedupeKey(copy),
                prepared.row(), prepared.view(), loaded.invoice().getCustomerEmail(), prepared.op()));
        return WorkState.DONE;
    }

    /** One email per invoice and attempt: a redelivered event, or a second event for the same attempt, sends nothing. */
    static String dedupeKey(InvoiceSnapshot copy) {
        return PAYMENT_FAILED + ":" + copy.invoiceId() + ":" + copy.attemptCount();
    }
}
