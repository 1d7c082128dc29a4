package com.adventive.billing.admin.entity;

import com.adventive.billing.admin.entity.AdminViews.AdjustmentView;
import com.adventive.billing.admin.entity.AdminViews.EmailAttempt;
import com.adventive.billing.admin.entity.AdminViews.LifecycleEventView;
import com.adventive.billing.admin.entity.AdminViews.LifecycleView;

import java.time.Instant;
import java.util.List;

/** What a dispute needs, in one answer (JSON property names are snake_case). */
public final class EvidenceViews {

    private EvidenceViews() {
    }

    /**
     * @param pdf   the PDF as the customer received it (null when none was sent)
     * @param email the email that delivered that PDF (null when none did)
     */
    public record DisputeEvidence(DisputeView dispute, String invoiceId, InvoiceView invoice, SentPdf pdf,
                                  EmailDeliveryRecord email, List<EmailAttempt> emails, Payments payments,
                                  AccountView account) {
    }

    /** @param source {@code recorded} (from its events) or {@code stripe} (fetched now) */
    public record DisputeView(String id, String chargeId, String status, String reason, Long amount, String currency,
                              Instant evidenceDueBy, String source) {
    }

    public record InvoiceView(String number, String invUuid, String currency, Long total, Long amountDue) {
    }

    /** @param download the admin path that serves exactly these bytes */
    public record SentPdf(int version, String key, String sha256, long size, String download) {
    }

    /**
     * @param status         the worker's send outcome (sent, outcome_unknown, …)
     * @param providerStatus what the mail provider reported about delivery, when it did
     */
    public record EmailDeliveryRecord(String template, String messageId, Instant sentAt, String recipient,
                                      String status, String providerStatus) {
    }

    public record Payments(LifecycleView state, List<LifecycleEventView> history, List<AdjustmentView> adjustments) {
    }

    public record AccountView(String acctId, String stripeCustomerId, String billedBy, String displayName,
                              String customerEmail, List<SubscriptionView> subscriptions) {
    }

    public record SubscriptionView(String id, String status, String plan, String itemsJson, Instant asOf) {
    }
}
