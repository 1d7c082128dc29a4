package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.AccountNotice;
import com.adventive.billing.invoice.entity.BillingInvoice;
import com.adventive.billing.invoice.entity.EmailDelivery;
import com.adventive.billing.invoice.entity.InvoiceView;
import com.adventive.billing.invoice.entity.RenderedEmail;
import com.adventive.billing.invoice.entity.StoredPdf;
import com.adventive.billing.platform.control.MailGateway;
import com.adventive.billing.platform.control.MailOutcomeUnknownException;
import com.adventive.billing.platform.control.MailRefusedException;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.platform.control.Settings;
import com.adventive.billing.platform.entity.OutgoingMail;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Optional;

/** Emails an invoice with its stored PDF attached, at most once per dedupe key. */
@ApplicationScoped
public class InvoiceMailer {

    public static final String INVOICE_NEW = "invoice_new";
    public static final String INVOICE_NOTIFY = "invoice_notify";
    public static final String PAYMENT_FAILED = "payment_failed";
    public static final String PAYMENT_METHOD_UPDATE = InvoiceEmailRenderer.PAYMENT_METHOD_UPDATE;
    public static final String CREDIT_NOTE = "credit_note";

    @Inject
    InvoiceLedger ledger;

    @Inject
    InvoiceDocuments documents;

    @Inject
    InvoiceEmailRenderer emailRenderer;

    @Inject
    MailGateway mail;

    @Inject
    Settings settings;

    @Inject
    OperationalLog operationalLog;

    /** The customer's email as customer.updated last told it, when that is newer than the invoice. */
    @Inject
    jakarta.enterprise.inject.Instance<CustomerContacts> customerContacts;

    public sealed interface Outcome {
        record Sent(String messageId) implements Outcome { }
        record AlreadySent(String messageId) implements Outcome { }
        record Suppressed(String recipient) implements Outcome { }
    }

    /**
     * Sends unless this dedupe key was already sent, attaching the invoice's current stored PDF.
     * Throws (so the work is retried) when the PDF is not in the bucket or SMTP certainly did not
     * take the message; throws {@link UndeliverableException} when no automatic retry may or can
     * help — including {@code email_outcome_unknown}: the message was transmitted and no answer
     * came, so it may have been delivered and only an operator may decide to send it again.
     */
    public Outcome send(String template, String dedupeKey, BillingInvoice invoice, InvoiceView view, String recipient,
                        OperationalContext op) throws MailRefusedException, UndeliverableException, MissingPdfException, DeliveryInProgressException {
        String to = validRecipient(latestRecipient(invoice, recipient, op), op);
        if (suppressed(template, to, op)) {
            return new Outcome.Suppressed(to);
        }
        Optional<StoredPdf> pdf = documents.current(invoice);
        if (pdf.isEmpty()) {
            operationalLog.record(op, "email_failed", template + " not sent: no PDF in the bucket with the sha256 recorded "
                    + "for " + invoice.stripeInvoiceId());
            throw new MissingPdfException(invoice.stripeInvoiceId());
        }
        return deliverOnce(template, dedupeKey, invoice, view, to, pdf.get(), op);
    }

    /**
     * The same, attaching the PDF this very work has just made sure is in the bucket
     * ({@link InvoiceDocuments#ensureStored}: read back from the bucket and checked, or just stored
     * under its own version key), instead of reading it from the bucket a second time.
     */
    public Outcome send(String template, String dedupeKey, BillingInvoice invoice, InvoiceView view, String recipient,
                        StoredPdf stored, OperationalContext op)
            throws MailRefusedException, UndeliverableException, DeliveryInProgressException {
        return sendAttaching(template, dedupeKey, invoice, view, recipient, java.util.Objects.requireNonNull(stored), op);
    }

    /**
     * Sends a notice about the invoice that carries no PDF (e.g. {@value #PAYMENT_FAILED}), with the
     * same once-per-dedupe-key claim, suppression list and outcome-unknown rules as {@link #send}.
     */
    public Outcome sendWithoutAttachment(String template, String dedupeKey, BillingInvoice invoice, InvoiceView view,
                                         String recipient, OperationalContext op)
            throws MailRefusedException, UndeliverableException, DeliveryInProgressException {
        return sendAttaching(template, dedupeKey, invoice, view, recipient, null, op);
    }

    /** To the invoice's latest recipient unless suppressed, once per dedupe key; {@code pdf} may be null. */
    private Outcome sendAttaching(String template, String dedupeKey, BillingInvoice invoice, InvoiceView view,
                                  String recipient, StoredPdf pdf, OperationalContext op)
            throws MailRefusedException, UndeliverableException, DeliveryInProgressException {
        String to = validRecipient(latestRecipient(invoice, recipient, op), op);
        if (suppressed(template, to, op)) {
            return new Outcome.Suppressed(to);
        }
        return deliverOnce(template, dedupeKey, invoice, view, to, pdf, op);
    }

    /**
     * Emails the customer a credit note on the invoice ({@value #CREDIT_NOTE}) with the credit note's
     * PDF attached, at most once per dedupe key, under the same claim, suppression list and
     * outcome-unknown rules as {@link #send}.
     */
    public Outcome sendCreditNote(String dedupeKey, BillingInvoice invoice, InvoiceView view,
                                  com.adventive.billing.invoice.entity.CreditNoteNotice notice, String recipient,
                                  byte[] pdf, OperationalContext op)
            throws MailRefusedException, UndeliverableException, DeliveryInProgressException {
        String to = validRecipient(recipient, op);
        if (suppressed(CREDIT_NOTE, to, op)) {
            return new Outcome.Suppressed(to);
        }
        String safe = (notice.number().isEmpty() ? notice.creditNoteId() : notice.number()).replaceAll("[^A-Za-z0-9._-]", "_");
        Attachment attachment = new Attachment("credit-note-" + safe + ".pdf",
                com.adventive.billing.platform.entity.Texts.sha256Hex(pdf), pdf);
        return deliverOnce(CREDIT_NOTE, dedupeKey, invoice.stripeInvoiceId(), messageId(invoice.invUuid(), dedupeKey),
                () -> emailRenderer.renderCreditNote(view, notice), to, attachment, op);
    }

    /** Whether the address is on the suppression list; recorded as the reason this email is not sent. */
    private boolean suppressed(String template, String to, OperationalContext op) {
        if (!ledger.isSuppressed(to)) {
            return false;
        }
        operationalLog.record(op, "email_suppressed", template + " not sent: " + to + " is on the suppression list");
        return true;
    }

    /** A file attached to an email, with the sha256 the delivery row records. */
    private record Attachment(String fileName, String sha256, byte[] bytes) {
    }

    /** Claims the dedupe key (lock-free: a unique key and conditional updates), then sends once; {@code pdf} may be null. */
    private Outcome deliverOnce(String template, String dedupeKey, BillingInvoice invoice, InvoiceView view, String to,
                                StoredPdf pdf, OperationalContext op)
            throws MailRefusedException, UndeliverableException, DeliveryInProgressException {
        return deliverOnce(template, dedupeKey, invoice.stripeInvoiceId(), messageId(invoice.invUuid(), dedupeKey),
                () -> emailRenderer.render(template, view), to,
                pdf == null ? null : new Attachment(attachmentName(invoice), pdf.sha256(), pdf.bytes()), op);
    }

    /**
     * Sends a notice about an account rather than an invoice (e.g. {@value #PAYMENT_METHOD_UPDATE}), with
     * the same once-per-dedupe-key claim, suppression list and outcome-unknown rules. Its delivery
     * record names the account where an invoice email names the invoice.
     */
    public Outcome sendAccountNotice(String template, String dedupeKey, AccountNotice notice, String recipient,
                                     OperationalContext op)
            throws MailRefusedException, UndeliverableException, DeliveryInProgressException {
        String to = validRecipient(recipient, op);
        if (suppressed(template, to, op)) {
            return new Outcome.Suppressed(to);
        }
        return deliverOnce(template, dedupeKey, notice.acctId(), messageId(notice.acctId(), dedupeKey),
                () -> emailRenderer.renderNotice(template, notice), to, null, op);
    }

    /** Claims the dedupe key (lock-free: a unique key and conditional updates), then sends once; {@code pdf} may be null. */
    private Outcome deliverOnce(String template, String dedupeKey, String subjectId, String newMessageId,
                                java.util.function.Supplier<RenderedEmail> render, String to, Attachment pdf,
                                OperationalContext op)
            throws MailRefusedException, UndeliverableException, DeliveryInProgressException {
        InvoiceLedger.DeliveryClaim claim = ledger.claimDelivery(dedupeKey, subjectId, template, to,
                newMessageId, pdf == null ? null : pdf.sha256(), settings.workLease());
        EmailDelivery delivery;
        if (claim instanceof InvoiceLedger.DeliveryClaim.Claimed claimed) {
            delivery = claimed.delivery();
        } else if (claim instanceof InvoiceLedger.DeliveryClaim.AlreadySent sent) {
            return new Outcome.AlreadySent(sent.messageId());
        } else if (claim instanceof InvoiceLedger.DeliveryClaim.InProgress inProgress) {
            throw new DeliveryInProgressException(inProgress.messageId());
        } else {
            EmailDelivery doubtful = ((InvoiceLedger.DeliveryClaim.InDoubt) claim).delivery();
            throw outcomeUnknown(template, doubtful.recipient(), doubtful.messageId(),
                    doubtful.lastError() == null ? "an earlier attempt may have been delivered" : doubtful.lastError(), op);
        }
        String messageId = delivery.messageId();
        RenderedEmail content = render.get();
        OutgoingMail outgoing = pdf == null
                ? new OutgoingMail(settings.mailFrom(), to, content.subject(), content.text(), content.html(), messageId,
                        null, null, null)
                : new OutgoingMail(settings.mailFrom(), to, content.subject(), content.text(), content.html(), messageId,
                        pdf.fileName(), InvoiceDocuments.PDF, pdf.bytes());
        try {
            mail.send(outgoing, () -> ledger.deliveryHandedToSmtp(delivery.id()));
        } catch (MailOutcomeUnknownException e) {
            ledger.deliveryOutcomeUnknown(delivery.id(), e.getMessage());
            throw outcomeUnknown(template, to, messageId, e.getMessage(), op);
        } catch (MailRefusedException | RuntimeException e) {
            ledger.deliveryFailed(delivery.id(), e.getClass().getSimpleName() + ": " + e.getMessage());
            operationalLog.record(op, "email_failed", template + " to " + to + " failed: " + e.getMessage());
            throw e;
        }
        ledger.deliverySent(delivery.id());
        operationalLog.record(op, "email_sent", template + " to " + to + " message_id=" + messageId
                + (pdf == null ? "" : " pdf_sha256=" + pdf.sha256()));
        return new Outcome.Sent(messageId);
    }

    /** May have been delivered: a second copy is worse than an operator deciding to resend. */
    private UndeliverableException outcomeUnknown(String template, String to, String messageId, String why,
                                                  OperationalContext op) {
        operationalLog.record(op, "email_outcome_unknown", template + " to " + to + " message_id=" + messageId
                + " may have been delivered (" + why + "); not resending automatically");
        return new UndeliverableException("email_outcome_unknown", "the outcome of sending " + messageId
                + " is unknown; check the SMTP provider's log for it, and resend with POST /admin/resend-invoice "
                + "only if it was not delivered");
    }

    /**
     * The invoice carries the customer's email as it was when the invoice was finalized; a
     * customer.updated since then (recorded after the invoice was) names the address to use now.
     */
    private String latestRecipient(BillingInvoice invoice, String fromInvoice, OperationalContext op) {
        String current = currentRecipient(invoice, fromInvoice);
        if (current != null && !current.equalsIgnoreCase(fromInvoice == null ? "" : fromInvoice)) {
            operationalLog.record(op, "recipient_updated", "sending to the customer's email from customer.updated "
                    + "instead of the invoice's copy");
        }
        return current;
    }

    /** The address an email about the invoice goes to now: the invoice's, unless customer.updated named a newer one. */
    public String currentRecipient(BillingInvoice invoice, String fromInvoice) {
        if (customerContacts == null || !customerContacts.isResolvable() || invoice.acctId() == null) {
            return fromInvoice;
        }
        return customerContacts.get().emailSince(invoice.acctId(), invoice.createdAt()).orElse(fromInvoice);
    }

    private String validRecipient(String recipient, OperationalContext op) throws UndeliverableException {
        if (recipient == null || recipient.isBlank()) {
            operationalLog.record(op, "email_failed", "invoice has no customer email");
            throw new UndeliverableException("recipient_missing", "invoice has no customer email");
        }
        Optional<String> address = MailGateway.deliverableAddress(recipient);
        if (address.isEmpty()) {
            operationalLog.record(op, "email_failed", "customer email is not a valid address");
            throw new UndeliverableException("recipient_invalid", "customer email is not a valid address");
        }
        return address.get();
    }

    /** Deterministic per dedupe key, so a retried send carries the same Message-ID. */
    private String messageId(String localPrefix, String dedupeKey) {
        String domain = settings.mailFrom().substring(settings.mailFrom().indexOf('@') + 1);
        String suffix = dedupeKey.replaceAll("[^A-Za-z0-9]+", ".");
        return "<" + localPrefix + "." + suffix + "@" + domain + ">";
    }

    private static String attachmentName(BillingInvoice invoice) {
        String number = invoice.invoiceNumber();
        String safe = number == null ? invoice.invUuid() : number.replaceAll("[^A-Za-z0-9._-]", "_");
        return "invoice-" + safe + ".pdf";
    }

    /** No retry can deliver this email (no or invalid recipient). */
    public static class UndeliverableException extends Exception {
        private final String reason;

        public UndeliverableException(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    /** Another worker is sending this very email right now; try again after it has finished. */
    public static class DeliveryInProgressException extends Exception {
        public DeliveryInProgressException(String messageId) {
            super("email " + messageId + " is being sent by another worker");
        }
    }

    /** The recorded PDF is not (yet) in the bucket; the work is retried. */
    public static class MissingPdfException extends Exception {
        public MissingPdfException(String stripeInvoiceId) {
            super("no PDF in the bucket with the sha256 recorded for " + stripeInvoiceId);
        }
    }
}
