package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.LoadedInvoice;
import com.adventive.billing.invoice.entity.PreparedInvoice;
import com.adventive.billing.platform.control.MailRefusedException;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.work.control.PermanentWorkFailure;
import com.adventive.billing.work.control.WorkDeferred;
import com.stripe.exception.StripeException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Optional;

/**
 * Preparing and emailing an invoice from background work (invoice.finalized, dunning, credit-note
 * emails), with the invoice capability's refusals turned into what the work runner understands the
 * same way for every handler: an account that cannot be resolved or an email that cannot be
 * delivered fails the work for good; an email another worker is sending right now defers the work
 * without spending an attempt; a legacy-billed account is left to the legacy system.
 */
@ApplicationScoped
public class InvoiceWork {

    @Inject
    InvoicePreparer preparer;

    @Inject
    InvoiceMailer mailer;

    /** The prepared invoice, or empty for an account the legacy system bills (recorded as double_billing_risk). */
    public Optional<PreparedInvoice> prepare(LoadedInvoice loaded, OperationalContext op)
            throws StripeException, PermanentWorkFailure {
        try {
            return Optional.of(preparer.prepare(loaded, op));
        } catch (InvoicePreparer.AccountUnresolvedException e) {
            throw new PermanentWorkFailure("account_unresolved", e.getMessage());
        } catch (InvoicePreparer.LegacyAccountException e) {
            return Optional.empty();
        }
    }

    /** One of InvoiceMailer's sends. */
    @FunctionalInterface
    public interface MailSend {
        InvoiceMailer.Outcome send(InvoiceMailer mailer) throws MailRefusedException,
                InvoiceMailer.UndeliverableException, InvoiceMailer.MissingPdfException,
                InvoiceMailer.DeliveryInProgressException;
    }

    /** Sends; SMTP refusing the message or a PDF not yet in the bucket leave as they are, so the work is retried. */
    public InvoiceMailer.Outcome email(MailSend send)
            throws MailRefusedException, InvoiceMailer.MissingPdfException, PermanentWorkFailure, WorkDeferred {
        try {
            return send.send(mailer);
        } catch (InvoiceMailer.UndeliverableException e) {
            throw new PermanentWorkFailure(e.reason(), e.getMessage());
        } catch (InvoiceMailer.DeliveryInProgressException e) {
            // Another worker is sending this very email: wait for it, without spending an attempt on it.
            throw new WorkDeferred(e.getMessage(), e);
        }
    }
}
