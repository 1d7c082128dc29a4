package com.adventive.billing.admin.control;

import com.adventive.billing.invoice.control.InvoiceDocuments;
import com.adventive.billing.invoice.control.InvoiceMailer;
import com.adventive.billing.invoice.control.InvoicePreparer;
import com.adventive.billing.invoice.control.InvoiceSource;
import com.adventive.billing.invoice.control.RenderPermits;
import com.adventive.billing.invoice.entity.PreparedInvoice;
import com.adventive.billing.invoice.entity.StoredPdf;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.platform.control.OperationalLog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.UUID;

/**
 * What an operator can do to one invoice: render it again, or render and email it again
 * (invoice_notify). Both start from Stripe's current copy and create no Stripe event.
 */
@ApplicationScoped
public class InvoiceOperations {

    /**
     * How long an operator's render waits for one of the RENDER_CONCURRENCY slots it shares with the
     * queue before the call is refused as busy (503, retry later) instead of holding its HTTP thread.
     */
    static final Duration RENDER_SLOT_WAIT = Duration.ofSeconds(15);

    @Inject
    RenderPermits renderPermits;

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

    public record RenderResult(String invoiceId, String acctId, String key, long size, String sha256, int pages,
                               long renderMillis) {
    }

    public record ResendResult(RenderResult pdf, String recipient, String messageId, String outcome) {
    }

    /** @throws RenderPermits.BusyException when every render slot stayed busy for {@link #RENDER_SLOT_WAIT} */
    public RenderResult render(String invoiceId, String operator) throws Exception {
        PreparedInvoice prepared = prepare(invoiceId, operator);
        StoredPdf pdf = renderAndStore(prepared);
        return result(prepared, pdf);
    }

    /** @throws RenderPermits.BusyException when every render slot stayed busy; nothing was sent then */
    public ResendResult resend(String invoiceId, String operator) throws Exception {
        PreparedInvoice prepared = prepare(invoiceId, operator);
        StoredPdf pdf = renderAndStore(prepared);
        // every operator resend is a new email: its own dedupe key, its own Message-ID
        String dedupeKey = InvoiceMailer.INVOICE_NOTIFY + ":" + invoiceId + ":" + UUID.randomUUID();
        InvoiceMailer.Outcome outcome = mailer.send(InvoiceMailer.INVOICE_NOTIFY, dedupeKey, prepared.row(),
                prepared.view(), prepared.invoice().getCustomerEmail(), prepared.op());
        RenderResult rendered = result(prepared, pdf);
        if (outcome instanceof InvoiceMailer.Outcome.Suppressed suppressed) {
            return new ResendResult(rendered, suppressed.recipient(), null, "suppressed");
        }
        String messageId = outcome instanceof InvoiceMailer.Outcome.Sent sent ? sent.messageId()
                : ((InvoiceMailer.Outcome.AlreadySent) outcome).messageId();
        return new ResendResult(rendered, prepared.invoice().getCustomerEmail(), messageId, "sent");
    }

    /**
     * Within the render cap, on the operator's thread: the slot is taken here, with a bounded wait,
     * so a busy renderer refuses the call before anything is rendered or recorded.
     */
    private StoredPdf renderAndStore(PreparedInvoice prepared) throws Exception {
        return renderPermits.holding(RENDER_SLOT_WAIT,
                () -> documents.renderAndStore(prepared.row(), prepared.view(), prepared.op()));
    }

    private PreparedInvoice prepare(String invoiceId, String operator) throws Exception {
        OperationalContext op = new OperationalContext(null, invoiceId, null, null);
        operationalLog.record(op, "operator_request", "by " + operator);
        return preparer.prepare(source.fetch(invoiceId), op);
    }

    private static RenderResult result(PreparedInvoice prepared, StoredPdf pdf) {
        return new RenderResult(prepared.invoice().getId(), prepared.row().acctId(), pdf.key(), pdf.size(),
                pdf.sha256(), pdf.pages(), pdf.renderMillis());
    }
}
