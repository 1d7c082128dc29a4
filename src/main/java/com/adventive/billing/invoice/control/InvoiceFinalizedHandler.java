package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.LoadedInvoice;
import com.adventive.billing.invoice.entity.PreparedInvoice;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.webhook.control.HandledEventTypes;
import com.adventive.billing.work.control.PermanentWorkFailure;
import com.adventive.billing.work.control.WorkContext;
import com.adventive.billing.work.control.WorkHandler;
import com.adventive.billing.work.entity.WorkState;
import com.stripe.model.Invoice;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Set;

/**
 * invoice.finalized: resolve the account, keep the legacy system's accounts untouched, render and
 * store the PDF, then email it (invoice_new) once.
 */
@ApplicationScoped
public class InvoiceFinalizedHandler implements WorkHandler {

    /** States in which a customer should (still) receive the invoice. */
    private static final Set<String> DELIVERABLE = Set.of("open", "paid");

    @Inject
    InvoiceSource source;

    @Inject
    InvoicePreparer preparer;

    @Inject
    InvoiceDocuments documents;

    @Inject
    InvoiceMailer mailer;

    @Inject
    OperationalLog operationalLog;

    @Override
    public String kind() {
        return HandledEventTypes.INVOICE_FINALIZED;
    }

    @Override
    public WorkState handle(WorkContext context) throws Exception {
        LoadedInvoice loaded = source.load(context);
        Invoice invoice = loaded.invoice();
        OperationalContext op = context.operational().withInvoice(invoice.getId());

        if (loaded.fetchedFromStripe() && !DELIVERABLE.contains(invoice.getStatus())) {
            operationalLog.record(op, "invoice_not_deliverable",
                    "Stripe now reports status " + invoice.getStatus() + "; no PDF or email");
            return WorkState.SKIPPED;
        }

        PreparedInvoice prepared;
        try {
            prepared = preparer.prepare(loaded, context.operational());
        } catch (InvoicePreparer.AccountUnresolvedException e) {
            throw new PermanentWorkFailure("account_unresolved", e.getMessage());
        } catch (InvoicePreparer.LegacyAccountException e) {
            return WorkState.SKIPPED;
        }
        documents.ensureStored(prepared.row(), prepared.view(), prepared.op());
        try {
            mailer.send(InvoiceMailer.INVOICE_NEW, InvoiceMailer.INVOICE_NEW + ":" + invoice.getId(), prepared.row(),
                    prepared.view(), invoice.getCustomerEmail(), prepared.op());
        } catch (InvoiceMailer.UndeliverableException e) {
            throw new PermanentWorkFailure(e.reason(), e.getMessage());
        }
        return WorkState.DONE;
    }
}
