package com.adventive.billing.admin.entity;

import java.time.Instant;
import java.util.List;

/** The shapes the admin API answers with (JSON property names are snake_case). */
public final class AdminViews {

    private AdminViews() {
    }

    public record InvoiceDossier(String invoiceId, String acctId, String invUuid, String invoiceNumber, String currency,
                                 Long total, Long amountDue, String customerEmail, StoredPdfView pdf,
                                 List<PdfVersionView> pdfVersions, List<ReceivedEvent> events, List<WorkItemView> work,
                                 List<EmailAttempt> emails, List<OperationalEventView> operationalEvents,
                                 LifecycleView lifecycle, List<LifecycleEventView> lifecycleHistory,
                                 List<AdjustmentView> adjustments, List<DeliveryEventView> deliveryEvents) {

        /** As before the provider's delivery events were part of the dossier (kept for callers that build one). */
        public InvoiceDossier(String invoiceId, String acctId, String invUuid, String invoiceNumber, String currency,
                              Long total, Long amountDue, String customerEmail, StoredPdfView pdf,
                              List<PdfVersionView> pdfVersions, List<ReceivedEvent> events, List<WorkItemView> work,
                              List<EmailAttempt> emails, List<OperationalEventView> operationalEvents,
                              LifecycleView lifecycle, List<LifecycleEventView> lifecycleHistory,
                              List<AdjustmentView> adjustments) {
            this(invoiceId, acctId, invUuid, invoiceNumber, currency, total, amountDue, customerEmail, pdf, pdfVersions,
                    events, work, emails, operationalEvents, lifecycle, lifecycleHistory, adjustments, List.of());
        }
    }

    /**
     * A refund (kind refund, id of the charge), credit note or dispute of the invoice; a dispute shows
     * when a refund of the invoice names its charge, since Stripe's dispute names only the charge.
     */
    public record AdjustmentView(String id, String kind, String chargeId, String status, String reason, Long amount,
                                 String currency, Instant evidenceDueBy, Instant updatedAt) {
    }

    /** Where the invoice stands after it was finalized, merged from every lifecycle event (null before any). */
    public record LifecycleView(String status, String currency, Long amountPaid, Instant finalizedAt, Instant paidAt,
                                Instant voidedAt, Instant markedUncollectibleAt, Integer attemptCount,
                                Instant nextPaymentAttempt, String declineReason, Instant updatedAt) {
    }

    /** One lifecycle event as its copy of the invoice described it, in the order the worker recorded them. */
    public record LifecycleEventView(String eventId, String type, String status, Long amountPaid, Integer attemptCount,
                                     Instant nextPaymentAttempt, String declineReason, Instant occurredAt,
                                     Instant recordedAt) {
    }

    public record StoredPdfView(String key, String sha256, Long size, Integer pages, Instant storedAt) {
    }

    public record ReceivedEvent(String eventId, String type, String apiVersion, Instant receivedAt,
                                String disposition) {
    }

    public record WorkItemView(long id, String eventId, String kind, String state, int attempts, Instant nextAttemptAt,
                               String failureReason, String lastError, Instant createdAt, Instant updatedAt) {
    }

    /**
     * One email of the invoice: what the worker did (status) and what the email provider reported
     * afterwards (provider_status: delivered, failed_permanent, failed_temporary, complained,
     * unsubscribed; null until it reports), with the time of that report's event and its reason.
     */
    public record EmailAttempt(String template, String recipient, String messageId, String status, int attempts,
                               String lastError, Instant attemptedAt, Instant sentAt, String pdfSha256,
                               Integer pdfVersion, String providerStatus, Instant providerStatusAt,
                               String providerReason) {

        /** Without the provider's report (kept for callers that build one). */
        public EmailAttempt(String template, String recipient, String messageId, String status, int attempts,
                            String lastError, Instant attemptedAt, Instant sentAt, String pdfSha256,
                            Integer pdfVersion) {
            this(template, recipient, messageId, status, attempts, lastError, attemptedAt, sentAt, pdfSha256, pdfVersion,
                    null, null, null);
        }
    }

    /** One event the email provider reported about an email of the invoice, oldest first. */
    public record DeliveryEventView(String provider, String event, String severity, String status, String recipient,
                                    String messageId, String reason, Instant occurredAt, Instant receivedAt) {
    }

    public record OperationalEventView(long id, Instant occurredAt, String type, String eventId, String invoiceId,
                                       String acctId, Long workItemId, String detail) {
    }

    public record Page<T>(List<T> items, Long nextBeforeId) {
    }
}
