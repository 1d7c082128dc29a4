package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.BillingAccount;
import com.adventive.billing.invoice.entity.BillingInvoice;
import com.adventive.billing.invoice.entity.InvoiceView;
import com.adventive.billing.invoice.entity.LoadedInvoice;
import com.adventive.billing.platform.control.OperationalContext;
import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.webhook.control.HandledEventTypes;
import com.adventive.billing.webhook.control.PermanentWorkFailure;
import com.adventive.billing.webhook.control.WorkContext;
import com.adventive.billing.webhook.control.WorkHandler;
import com.adventive.billing.webhook.entity.WorkState;
import com.stripe.model.Invoice;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Optional;
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
    AccountResolver accounts;

    @Inject
    InvoiceLedger ledger;

    @Inject
    InvoiceViewFactory viewFactory;

    @Inject
    SellerProfile seller;

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

        AccountResolver.Resolution resolution = accounts.resolve(invoice);
        if (resolution.acctId().isEmpty()) {
            operationalLog.record(op, "account_unresolved", resolution.problem());
            throw new PermanentWorkFailure("account_unresolved", resolution.problem());
        }
        String acctId = resolution.acctId().get();
        op = op.withAccount(acctId);

        Optional<BillingAccount> account = accounts.account(acctId);
        if (account.isPresent() && account.get().billedByLegacy()) {
            operationalLog.record(op, "double_billing_risk",
                    "account is billed by the legacy system; invoice " + invoice.getId() + " not rendered or emailed");
            return WorkState.SKIPPED;
        }

        BillingInvoice row = ledger.record(invoice, acctId);
        InvoiceView view = viewFactory.create(invoice, loaded.lines(), loaded.tieredPrices(), seller.current(), acctId);
        documents.ensureStored(row, view, op);
        try {
            mailer.send(InvoiceMailer.INVOICE_NEW, InvoiceMailer.INVOICE_NEW + ":" + invoice.getId(), row, view,
                    invoice.getCustomerEmail(), op);
        } catch (InvoiceMailer.UndeliverableException e) {
            throw new PermanentWorkFailure(e.reason(), e.getMessage());
        }
        return WorkState.DONE;
    }
}
