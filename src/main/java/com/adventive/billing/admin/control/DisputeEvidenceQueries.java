package com.adventive.billing.admin.control;

import com.adventive.billing.admin.entity.AdminViews.EmailAttempt;
import com.adventive.billing.admin.entity.AdminViews.InvoiceDossier;
import com.adventive.billing.admin.entity.EvidenceViews.AccountView;
import com.adventive.billing.admin.entity.EvidenceViews.DisputeEvidence;
import com.adventive.billing.admin.entity.EvidenceViews.DisputeView;
import com.adventive.billing.admin.entity.EvidenceViews.EmailDeliveryRecord;
import com.adventive.billing.admin.entity.EvidenceViews.InvoiceView;
import com.adventive.billing.admin.entity.EvidenceViews.Payments;
import com.adventive.billing.admin.entity.EvidenceViews.SentPdf;
import com.adventive.billing.admin.entity.EvidenceViews.SubscriptionView;
import com.adventive.billing.invoice.control.InvoiceOperations;
import com.adventive.billing.invoice.entity.BillingAccount;
import com.adventive.billing.invoice.entity.StoredPdfFile;
import com.adventive.billing.lifecycle.control.AccountRecords;
import com.adventive.billing.lifecycle.control.DisputeLocator;
import com.adventive.billing.lifecycle.entity.LocatedDispute;
import com.adventive.billing.lifecycle.entity.StripeCustomer;
import com.adventive.billing.platform.control.BillingProblem;
import com.stripe.exception.StripeException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Gathers the evidence for one dispute: the invoice as sent, its delivery, its payments and the account. */
@ApplicationScoped
public class DisputeEvidenceQueries {

    /** The emails that carry the invoice PDF. */
    private static final Set<String> INVOICE_EMAILS = Set.of("invoice_new", "invoice_notify");

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    @Inject
    DisputeLocator disputes;

    @Inject
    AdminQueries queries;

    @Inject
    InvoiceOperations invoices;

    @Inject
    AccountRecords accounts;

    /** The evidence and, when one was sent, the PDF's bytes as the customer received them. */
    public record Bundle(DisputeEvidence evidence, Optional<StoredPdfFile> pdf) {
    }

    public Optional<Bundle> evidence(String disputeId) throws StripeException {
        Optional<LocatedDispute> located = disputes.locate(disputeId);
        if (located.isEmpty()) {
            return Optional.empty();
        }
        LocatedDispute d = located.get();
        DisputeView dispute = new DisputeView(d.disputeId(), d.chargeId(), d.status(), d.reason(), d.amount(),
                d.currency(), d.evidenceDueBy(), d.source());
        Optional<InvoiceDossier> dossier = d.invoiceId() == null ? Optional.empty() : queries.invoice(d.invoiceId());
        if (dossier.isEmpty()) {
            return Optional.of(new Bundle(new DisputeEvidence(dispute, d.invoiceId(), null, null, null, List.of(), null,
                    null), Optional.empty()));
        }
        InvoiceDossier invoice = dossier.get();
        Optional<StoredPdfFile> pdf = sentPdf(invoice.invoiceId());
        SentPdf sent = pdf.map(p -> new SentPdf(p.versionNumber(), p.key(), p.sha256(), p.bytes().length,
                "/admin/invoices/" + invoice.invoiceId() + "/pdf?version=" + p.versionNumber())).orElse(null);
        EmailDeliveryRecord delivery = delivery(invoice.emails(), sent == null ? null : sent.sha256()).orElse(null);
        Payments payments = new Payments(invoice.lifecycle(), invoice.lifecycleHistory(), invoice.adjustments());
        AccountView account = invoice.acctId() == null ? null : account(invoice.acctId());
        return Optional.of(new Bundle(new DisputeEvidence(dispute, invoice.invoiceId(),
                new InvoiceView(invoice.invoiceNumber(), invoice.invUuid(), invoice.currency(), invoice.total(),
                        invoice.amountDue()), sent, delivery, invoice.emails(), payments, account), pdf));
    }

    private Optional<StoredPdfFile> sentPdf(String invoiceId) {
        try {
            return Optional.of(invoices.storedPdf(invoiceId, "sent"));
        } catch (BillingProblem e) {
            if (e.status() == 404) {
                return Optional.empty(); // nothing was sent, or the sent object is gone: shown as no PDF
            }
            throw e;
        }
    }

    /** The email that delivered the PDF (same sha256), else the latest invoice email sent. */
    private static Optional<EmailDeliveryRecord> delivery(List<EmailAttempt> emails, String pdfSha256) {
        Comparator<EmailAttempt> newest = Comparator.comparing(EmailAttempt::sentAt,
                Comparator.nullsFirst(Comparator.naturalOrder()));
        List<EmailAttempt> invoiceEmails = emails.stream().filter(e -> INVOICE_EMAILS.contains(e.template())).toList();
        Optional<EmailAttempt> chosen = invoiceEmails.stream()
                .filter(e -> "sent".equals(e.status()) && pdfSha256 != null && pdfSha256.equals(e.pdfSha256()))
                .max(newest);
        if (chosen.isEmpty()) {
            chosen = invoiceEmails.stream().filter(e -> "sent".equals(e.status())).max(newest);
        }
        if (chosen.isEmpty()) {
            chosen = invoiceEmails.stream().reduce((a, b) -> b);
        }
        return chosen.map(e -> new EmailDeliveryRecord(e.template(), e.messageId(),
                e.sentAt() != null ? e.sentAt() : e.attemptedAt(), e.recipient(), e.status(), e.providerStatus()));
    }

    private AccountView account(String acctId) {
        BillingAccount row = em.find(BillingAccount.class, acctId);
        Optional<StripeCustomer> customer = accounts.customerOfAccount(acctId);
        List<SubscriptionView> subscriptions = accounts.subscriptionsOf(acctId).stream()
                .map(s -> new SubscriptionView(s.stripeSubscriptionId(), s.status(), s.plan(), s.itemsJson(),
                        s.asOf() == null ? null : s.asOf().toInstant(ZoneOffset.UTC))).toList();
        return new AccountView(acctId, row != null ? row.stripeCustomerId()
                : customer.map(StripeCustomer::stripeCustomerId).orElse(null),
                row == null ? null : row.billedBy(), row == null ? null : row.displayName(),
                customer.map(StripeCustomer::email).orElse(null), subscriptions);
    }
}
