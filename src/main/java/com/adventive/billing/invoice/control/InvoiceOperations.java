package com.adventive.billing.invoice.control;

import com.adventive.billing.platform.entity.Texts;
import com.adventive.billing.invoice.entity.InvoicePdfVersion;
import com.adventive.billing.invoice.entity.PreparedInvoice;
import com.adventive.billing.invoice.entity.RenderedPdf;
import com.adventive.billing.invoice.entity.StoredPdf;
import com.adventive.billing.invoice.entity.StoredPdfFile;
import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.platform.control.BucketGateway;
import com.adventive.billing.platform.control.MailRefusedException;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.platform.control.OperationalLog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.stripe.exception.StripeException;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The invoice capability's one door for other capabilities (the operator API): render an invoice
 * again, render and email it again (invoice_notify), and read a stored PDF. Renders start from
 * Stripe's current copy and create no Stripe event. What goes wrong inside leaves as a
 * {@link BillingProblem} an operator can act on; Stripe's own failures leave as they are.
 */
@ApplicationScoped
public class InvoiceOperations {

    private static final Logger LOG = Logger.getLogger(InvoiceOperations.class.getName());

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

    @Inject
    SentPdfChoice pdfChoice;

    @Inject
    BucketGateway bucket;

    private static final Pattern VERSION_NUMBER = Pattern.compile("[1-9][0-9]{0,3}");

    public record RenderResult(String invoiceId, String acctId, String key, long size, String sha256, int pages,
                               long renderMillis) {
    }

    public record ResendResult(RenderResult pdf, String recipient, String messageId, String outcome) {
    }

    /** Renders and stores now; 503 render_busy when every render slot stayed busy for {@link #RENDER_SLOT_WAIT}. */
    public RenderResult render(String invoiceId, String operator) throws StripeException {
        try {
            PreparedInvoice prepared = prepare(invoiceId, operator);
            StoredPdf pdf = renderAndStore(prepared);
            return result(prepared, pdf);
        } catch (StripeException | BillingProblem e) {
            throw e;
        } catch (Exception e) {
            throw asProblem(invoiceId, e);
        }
    }

    /** Renders, stores and emails again; when the renderer stays busy nothing is sent (503 render_busy). */
    public ResendResult resend(String invoiceId, String operator) throws StripeException {
        try {
            return renderAndSend(invoiceId, operator);
        } catch (StripeException | BillingProblem e) {
            throw e;
        } catch (Exception e) {
            throw asProblem(invoiceId, e);
        }
    }

    /**
     * A stored rendering: {@code sent} (or null: the one attached to the latest email sent),
     * {@code latest}, {@code current} (what the next email would attach) or a version number.
     */
    public StoredPdfFile storedPdf(String invoiceId, String version) {
        String wanted = version == null || version.isBlank() ? "sent" : version.strip();
        Optional<InvoicePdfVersion> chosen = switch (wanted) {
            case "sent" -> pdfChoice.sentPdf(invoiceId);
            case "latest" -> pdfChoice.latestPdf(invoiceId);
            case "current" -> pdfChoice.currentPdf(invoiceId);
            default -> {
                if (!VERSION_NUMBER.matcher(wanted).matches()) {
                    throw BillingProblem.badRequest("version_invalid",
                            "version must be sent, latest, current or a version number such as 2");
                }
                yield pdfChoice.pdfVersion(invoiceId, Integer.parseInt(wanted));
            }
        };
        InvoicePdfVersion pdf = chosen.orElseThrow(() -> BillingProblem.notFound("pdf_not_found", "no stored PDF for "
                + invoiceId + (wanted.equals("sent") ? "" : " with version=" + wanted)));
        byte[] bytes = bucket.get(pdf.pdfKey()).orElseThrow(() -> BillingProblem.notFound("pdf_missing_in_bucket",
                "the ledger names " + pdf.pdfKey() + " but the bucket has no such object"));
        if (!pdf.sha256().equals(Texts.sha256Hex(bytes))) {
            throw BillingProblem.conflict("pdf_sha256_mismatch", "the object at " + pdf.pdfKey()
                    + " does not have the recorded sha256 " + pdf.sha256());
        }
        String fileName = pdf.pdfKey().substring(pdf.pdfKey().indexOf('/') + 1);
        return new StoredPdfFile(pdf.pdfKey(), fileName, bytes, pdf.sha256(), pdf.versionNumber());
    }

    private ResendResult renderAndSend(String invoiceId, String operator) throws Exception {
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
        return new ResendResult(rendered, mailer.currentRecipient(prepared.row(), prepared.invoice().getCustomerEmail()),
                messageId, "sent");
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

    /** The invoice capability's failures, as an operator should read them. */
    private static BillingProblem asProblem(String invoiceId, Exception e) {
        if (e instanceof RenderPermits.BusyException busy) {
            return new BillingProblem(503, "render_busy", busy.getMessage() + "; nothing was rendered or sent, retry later",
                    (int) busy.retryAfterSeconds(), e);
        }
        if (e instanceof InvoicePreparer.LegacyAccountException) {
            return BillingProblem.conflict("legacy_account", e.getMessage()
                    + "; the worker does not render or email its invoices (double_billing_risk recorded)");
        }
        if (e instanceof InvoicePreparer.AccountConflictException) {
            return BillingProblem.conflict("account_conflict", e.getMessage());
        }
        if (e instanceof InvoicePreparer.AccountUnresolvedException) {
            return new BillingProblem(422, "account_unresolved", "no account for " + invoiceId + ": " + e.getMessage());
        }
        if (e instanceof InvoiceMailer.UndeliverableException undeliverable) {
            return new BillingProblem(422, undeliverable.reason(), e.getMessage());
        }
        if (e instanceof InvoiceMailer.DeliveryInProgressException) {
            return BillingProblem.conflict("send_in_progress", e.getMessage());
        }
        if (e instanceof MailRefusedException) {
            return new BillingProblem(502, "smtp_refused", "the SMTP server did not take the email: " + e.getMessage()
                    + "; it is safe to retry", null, e);
        }
        if (e instanceof InvoiceMailer.MissingPdfException) {
            return BillingProblem.unavailable("pdf_missing", e.getMessage(), 30);
        }
        LOG.log(Level.WARNING, "Operator request for " + invoiceId + " failed", e);
        return new BillingProblem(503, "temporarily_unable", "the request could not be completed ("
                + e.getClass().getSimpleName() + "); it is safe to retry", 30, e);
    }

    private static RenderResult result(PreparedInvoice prepared, StoredPdf pdf) {
        return new RenderResult(prepared.invoice().getId(), prepared.row().acctId(), pdf.key(), pdf.size(),
                pdf.sha256(), pdf.pages(), pdf.renderMillis());
    }
}
