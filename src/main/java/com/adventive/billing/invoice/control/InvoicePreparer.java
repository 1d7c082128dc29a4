package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.BillingAccount;
import com.adventive.billing.invoice.entity.BillingInvoice;
import com.adventive.billing.invoice.entity.InvoiceView;
import com.adventive.billing.invoice.entity.LoadedInvoice;
import com.adventive.billing.invoice.entity.PreparedInvoice;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.platform.control.OperationalLog;
import com.stripe.exception.StripeException;
import com.stripe.model.Invoice;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Optional;

/**
 * The steps every path to a customer document shares (the webhook and the operator's resend):
 * resolve the account, keep away from accounts the legacy system still bills, record the invoice
 * in the ledger and build its view.
 */
@ApplicationScoped
public class InvoicePreparer {

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
            throws StripeException, AccountUnresolvedException, LegacyAccountException {
        Invoice invoice = loaded.invoice();
        OperationalContext op = context.withInvoice(invoice.getId());
        AccountResolver.Resolution resolution = accounts.resolve(invoice);
        if (resolution.acctId().isEmpty()) {
            operationalLog.record(op, "account_unresolved", resolution.problem());
            throw new AccountUnresolvedException(resolution.problem());
        }
        String acctId = resolution.acctId().get();
        op = op.withAccount(acctId);
        Optional<BillingAccount> account = accounts.account(acctId);
        if (account.isPresent() && account.get().billedByLegacy()) {
            operationalLog.record(op, "double_billing_risk",
                    "account is billed by the legacy system; invoice " + invoice.getId() + " not rendered or emailed");
            throw new LegacyAccountException(acctId);
        }
        BillingInvoice row = ledger.record(invoice, acctId);
        InvoiceView view = viewFactory.create(invoice, loaded.lines(), loaded.tieredPrices(), seller.current(), acctId);
        return new PreparedInvoice(invoice, row, view, op);
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
}
