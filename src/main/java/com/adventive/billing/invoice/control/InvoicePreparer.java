package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.BillingAccount;
import com.adventive.billing.invoice.entity.BillingInvoice;
import com.adventive.billing.invoice.entity.InvoiceView;
import com.adventive.billing.invoice.entity.LoadedInvoice;
import com.adventive.billing.invoice.entity.PreparedInvoice;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.work.control.PermanentWorkFailure;
import com.stripe.exception.StripeException;
import com.stripe.model.Invoice;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The steps every path to a customer document shares (the webhook and the operator's resend):
 * resolve the account, keep away from accounts the legacy system still bills and from accounts
 * the table and the metadata disagree on, record the invoice in the ledger and build its view.
 */
@ApplicationScoped
public class InvoicePreparer {

    public static final String ACCOUNT_CONFLICT = "account_conflict";

    @Inject
    AccountResolver accounts;

    @Inject
    InvoiceLedger ledger;

    @Inject
    InvoiceViewFactory viewFactory;

    @Inject
    SellerProfile seller;

    @Inject
    OperationalLog operationalLog;

    public PreparedInvoice prepare(LoadedInvoice loaded, OperationalContext context)
            throws StripeException, AccountUnresolvedException, LegacyAccountException, AccountConflictException {
        Invoice invoice = loaded.invoice();
        OperationalContext op = context.withInvoice(invoice.getId());
        AccountResolver.Resolution resolution = accounts.resolve(invoice);
        if (resolution instanceof AccountResolver.Resolution.Unresolved unresolved) {
            operationalLog.record(op, "account_unresolved", unresolved.problem());
            throw new AccountUnresolvedException(unresolved.problem());
        }
        if (resolution instanceof AccountResolver.Resolution.Conflict conflict) {
            throw conflict(op.withAccount(conflict.acctId()), conflict.detail());
        }
        AccountResolver.Resolution.Resolved resolved = (AccountResolver.Resolution.Resolved) resolution;
        String acctId = resolved.acctId();
        op = op.withAccount(acctId);
        if (resolved.account().filter(BillingAccount::billedByLegacy).isPresent()) {
            BillingAccount account = resolved.account().get();
            operationalLog.record(op, "double_billing_risk", "account " + acctId + " (customer "
                    + (account.stripeCustomerId() == null ? "unknown" : account.stripeCustomerId())
                    + ") is billed by the legacy system; invoice " + invoice.getId() + " not rendered or emailed"
                    + (resolved.metadataAcctId() == null ? ""
                    : " (acct_id metadata names " + resolved.metadataAcctId() + "; the account table decides)"));
            throw new LegacyAccountException(acctId);
        }
        BillingInvoice row = ledger.record(invoice, acctId);
        if (!acctId.equals(row.acctId())) {
            // The row's account is its PDF key prefix; a document of one account never goes under another's.
            throw conflict(op, "invoice " + invoice.getId() + " is recorded under account " + row.acctId()
                    + " but now resolves to " + acctId + " (customer " + invoice.getCustomer()
                    + "); no PDF or email until an operator sorts it out");
        }
        InvoiceView view = viewFactory.create(invoice, loaded.lines(), loaded.tieredPrices(), seller.current(), acctId);
        return new PreparedInvoice(invoice, row, view, op);
    }

    private AccountConflictException conflict(OperationalContext op, String detail) {
        operationalLog.record(op, ACCOUNT_CONFLICT, detail);
        return new AccountConflictException(detail);
    }

    /** No account could be found for the invoice; nothing is guessed. */
    public static class AccountUnresolvedException extends Exception {
        public AccountUnresolvedException(String detail) {
            super(detail);
        }
    }

    /** The account is still billed by the legacy system: the worker must not bill or email it. */
    public static class LegacyAccountException extends Exception {
        public LegacyAccountException(String acctId) {
            super("account " + acctId + " is billed by the legacy system");
        }
    }

    /**
     * The account table and the invoice's metadata (or its earlier record) name different accounts.
     * Retrying cannot fix it, so it is a permanent work failure ({@value #ACCOUNT_CONFLICT}) as thrown.
     */
    public static class AccountConflictException extends PermanentWorkFailure {
        public AccountConflictException(String detail) {
            super(ACCOUNT_CONFLICT, detail);
        }
    }
}
