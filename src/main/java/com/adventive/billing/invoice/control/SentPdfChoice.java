package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.BillingInvoice;
import com.adventive.billing.invoice.entity.EmailDelivery;
import com.adventive.billing.invoice.entity.InvoicePdfVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Which stored rendering of an invoice an operator means: the one sent, the newest, or a number. */
@ApplicationScoped
public class SentPdfChoice {

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    /**
     * The PDF the customer received: the one attached to the latest email that was sent; failing
     * that, to the latest one that may have been delivered (outcome unknown); for emails sent before
     * PDFs were versioned, version 1; when no email went out, the current PDF.
     */
    public Optional<InvoicePdfVersion> sentPdf(String invoiceId) {
        Map<String, InvoicePdfVersion> byContent = storedVersions(invoiceId).stream()
                .collect(Collectors.toMap(InvoicePdfVersion::sha256, Function.identity(), (a, b) -> a));
        List<EmailDelivery> deliveries = deliveries(invoiceId);
        Comparator<EmailDelivery> newestFirst = Comparator.comparing(EmailDelivery::attemptedAt,
                Comparator.nullsFirst(Comparator.naturalOrder())).thenComparing(EmailDelivery::id).reversed();
        for (List<String> statuses : List.of(List.of(EmailDelivery.SENT),
                List.of(EmailDelivery.OUTCOME_UNKNOWN, EmailDelivery.SENDING))) {
            Optional<InvoicePdfVersion> attached = deliveries.stream()
                    .filter(d -> statuses.contains(d.status()) && d.pdfSha256() != null)
                    .sorted(newestFirst)
                    .map(d -> byContent.get(d.pdfSha256())).filter(Objects::nonNull).findFirst();
            if (attached.isPresent()) {
                return attached;
            }
        }
        if (deliveries.stream().anyMatch(EmailDelivery::isSent)) {
            return pdfVersion(invoiceId, 1);
        }
        return currentPdf(invoiceId);
    }

    /** The newest stored version. */
    public Optional<InvoicePdfVersion> latestPdf(String invoiceId) {
        List<InvoicePdfVersion> stored = storedVersions(invoiceId);
        return stored.isEmpty() ? Optional.empty() : Optional.of(stored.get(stored.size() - 1));
    }

    /** The version the next email would attach (the newest rendering). */
    public Optional<InvoicePdfVersion> currentPdf(String invoiceId) {
        String key = invoiceRecord(invoiceId).map(BillingInvoice::pdfKey).orElse(null);
        return storedVersions(invoiceId).stream().filter(v -> v.pdfKey().equals(key)).findFirst();
    }

    public Optional<InvoicePdfVersion> pdfVersion(String invoiceId, int number) {
        return storedVersions(invoiceId).stream().filter(v -> v.versionNumber() == number).findFirst();
    }
    private Optional<BillingInvoice> invoiceRecord(String invoiceId) {
        return Optional.ofNullable(em.find(BillingInvoice.class, invoiceId));
    }

    private List<InvoicePdfVersion> storedVersions(String invoiceId) {
        return em.createQuery("SELECT v FROM InvoicePdfVersion v WHERE v.stripeInvoiceId = :id ORDER BY v.versionNumber",
                InvoicePdfVersion.class).setParameter("id", invoiceId).getResultList().stream()
                .filter(InvoicePdfVersion::isStored).toList();
    }

    private List<EmailDelivery> deliveries(String invoiceId) {
        return em.createQuery("SELECT d FROM EmailDelivery d WHERE d.stripeInvoiceId = :id ORDER BY d.id",
                EmailDelivery.class).setParameter("id", invoiceId).getResultList();
    }
}
