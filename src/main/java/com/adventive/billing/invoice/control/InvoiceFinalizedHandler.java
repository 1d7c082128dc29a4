package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.LoadedInvoice;
import com.adventive.billing.invoice.entity.PreparedInvoice;
import com.adventive.billing.invoice.entity.StoredPdf;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.platform.control.Settings;
import com.adventive.billing.webhook.control.StoredEvents;
import com.adventive.billing.webhook.entity.ReceivedEvent;
import com.adventive.billing.work.control.WorkContext;
import com.adventive.billing.work.control.WorkHandler;
import com.adventive.billing.work.entity.WorkState;
import com.stripe.exception.StripeException;
import com.stripe.model.Invoice;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * invoice.finalized: resolve the account, keep the legacy system's accounts untouched, render and
 * store the PDF, then email it (invoice_new) once — unless the invoice is no longer one a customer
 * should receive (voided, deleted, uncollectible while its work waited).
 */
@ApplicationScoped
public class InvoiceFinalizedHandler implements WorkHandler {

    public static final String INVOICE_FINALIZED = "invoice.finalized";

    /** States in which a customer should (still) receive the invoice. */
    private static final Set<String> DELIVERABLE = Set.of("open", "paid");

    @Inject
    InvoiceSource source;

    @Inject
    InvoiceWork invoiceWork;

    @Inject
    InvoiceDocuments documents;

    @Inject
    OperationalLog operationalLog;

    @Inject
    Settings settings;

    @Inject
    StoredEvents events;

    @Override
    public String kind() {
        return INVOICE_FINALIZED;
    }

    @Override
    public WorkState handle(WorkContext context) throws Exception {
        ReceivedEvent event = events.forWork(context.subject());
        LoadedInvoice loaded;
        try {
            loaded = source.load(event);
        } catch (InvoiceSource.InvoiceNotFoundException e) {
            return notDeliverable(context.operational().withInvoice(e.invoiceId()), e.getMessage());
        }
        Invoice invoice = loaded.invoice();
        OperationalContext op = context.operational().withInvoice(invoice.getId());

        Optional<String> undeliverable = undeliverable(loaded, context.attempt(), event.occurredAt(), op);
        if (undeliverable.isPresent()) {
            return notDeliverable(op, undeliverable.get());
        }

        Optional<PreparedInvoice> preparing = invoiceWork.prepare(loaded, context.operational());
        if (preparing.isEmpty()) {
            return WorkState.SKIPPED;
        }
        PreparedInvoice prepared = preparing.get();
        StoredPdf stored = documents.ensureStored(prepared.row(), prepared.view(), prepared.op());
        invoiceWork.email(mailer -> mailer.send(InvoiceMailer.INVOICE_NEW, InvoiceMailer.INVOICE_NEW + ":" + invoice.getId(),
                prepared.row(), prepared.view(), invoice.getCustomerEmail(), stored, prepared.op()));
        return WorkState.DONE;
    }

    /**
     * Why the invoice must not go out now, if it must not. An invoice fetched from Stripe just now
     * is current. The event's own copy is current only while the event is young and worked on its
     * first attempt: an invoice can be voided, deleted or marked uncollectible while its work
     * waited (a backlog, an outage, retries), so then its status is asked of Stripe first.
     */
    private Optional<String> undeliverable(LoadedInvoice loaded, int attempt, Instant occurredAt, OperationalContext op)
            throws StripeException {
        Invoice invoice = loaded.invoice();
        String status;
        if (loaded.fetchedFromStripe()) {
            status = invoice.getStatus();
        } else {
            Optional<String> why = recheckReason(attempt, occurredAt, settings.invoiceStatusRecheckAfter(), Instant.now());
            if (why.isEmpty()) {
                return Optional.empty();
            }
            if (settings.stripeSecretKey().isEmpty()) {
                // Only a local run has no key (production readiness reports stripe_connected=false):
                // there is no Stripe to ask, so the event's copy is all there is.
                operationalLog.record(op, "invoice_status_unchecked", "STRIPE_SECRET_KEY is not set, so the status "
                        + "could not be rechecked (" + why.get() + "); sending on the event's copy");
                return Optional.empty();
            }
            try {
                status = source.currentStatus(invoice.getId());
            } catch (InvoiceSource.InvoiceNotFoundException e) {
                return Optional.of(e.getMessage() + ", checked because " + why.get());
            }
            if (!DELIVERABLE.contains(status)) {
                return Optional.of("Stripe now reports status " + status + " (checked because " + why.get() + ")");
            }
            return Optional.empty();
        }
        return DELIVERABLE.contains(status) ? Optional.empty()
                : Optional.of("Stripe now reports status " + status);
    }

    /** Why the event's copy of the invoice may be out of date, or empty when it is fresh enough to trust. */
    static Optional<String> recheckReason(int attempt, Instant occurredAt, Duration maxAge, Instant now) {
        if (attempt > 1) {
            return Optional.of("this is attempt " + attempt);
        }
        if (occurredAt == null) {
            return Optional.of("the event's age is unknown");
        }
        Duration age = Duration.between(occurredAt, now);
        if (age.compareTo(maxAge) > 0) {
            return Optional.of("the event is " + age.toSeconds() + " s old");
        }
        return Optional.empty();
    }

    private WorkState notDeliverable(OperationalContext op, String why) {
        operationalLog.record(op, "invoice_not_deliverable", why + "; no PDF or email");
        return WorkState.SKIPPED;
    }
}
