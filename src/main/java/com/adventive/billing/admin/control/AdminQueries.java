package com.adventive.billing.admin.control;

import com.adventive.billing.admin.entity.AdminViews.EmailAttempt;
import com.adventive.billing.admin.entity.AdminViews.AdjustmentView;
import com.adventive.billing.admin.entity.AdminViews.DeliveryEventView;
import com.adventive.billing.admin.entity.AdminViews.InvoiceDossier;
import com.adventive.billing.admin.entity.AdminViews.LifecycleEventView;
import com.adventive.billing.admin.entity.AdminViews.LifecycleView;
import com.adventive.billing.admin.entity.AdminViews.OperationalEventView;
import com.adventive.billing.admin.entity.AdminViews.Page;
import com.adventive.billing.admin.entity.AdminViews.ReceivedEvent;
import com.adventive.billing.admin.entity.AdminViews.StoredPdfView;
import com.adventive.billing.admin.entity.AdminViews.WorkItemView;
import com.adventive.billing.admin.entity.PdfVersionView;
import com.adventive.billing.invoice.entity.BillingInvoice;
import com.adventive.billing.invoice.entity.EmailDelivery;
import com.adventive.billing.invoice.entity.EmailProviderEvent;
import com.adventive.billing.invoice.entity.InvoicePdfVersion;
import com.adventive.billing.lifecycle.entity.InvoiceAdjustment;
import com.adventive.billing.lifecycle.entity.InvoiceLifecycle;
import com.adventive.billing.lifecycle.entity.InvoiceLifecycleEvent;
import com.adventive.billing.platform.entity.OperationalEvent;
import com.adventive.billing.webhook.entity.StripeEvent;
import com.adventive.billing.work.entity.WorkItem;
import com.adventive.billing.work.entity.WorkState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Read-only answers to the questions the runbook's playbooks ask. */
@ApplicationScoped
public class AdminQueries {

    private static final int DOSSIER_EVENTS = 200;

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    public Optional<InvoiceDossier> invoice(String invoiceId) {
        BillingInvoice row = em.find(BillingInvoice.class, invoiceId);
        List<StripeEvent> events = em.createQuery(
                        "SELECT e FROM StripeEvent e WHERE e.objectId = :id ORDER BY e.receivedAt", StripeEvent.class)
                .setParameter("id", invoiceId).getResultList();
        if (row == null && events.isEmpty()) {
            return Optional.empty();
        }
        List<String> eventIds = events.stream().map(StripeEvent::eventId).toList();
        List<WorkItemView> work = eventIds.isEmpty() ? List.of() : em.createQuery(
                        "SELECT w FROM WorkItem w WHERE w.eventId IN :ids ORDER BY w.id", WorkItem.class)
                .setParameter("ids", eventIds).getResultList().stream().map(AdminQueries::work).toList();
        List<InvoicePdfVersion> versions = pdfVersions(invoiceId);
        Map<String, Integer> versionOfContent = versions.stream()
                .collect(Collectors.toMap(InvoicePdfVersion::sha256, InvoicePdfVersion::versionNumber, (a, b) -> a));
        List<EmailAttempt> emails = deliveries(invoiceId).stream()
                .map(d -> email(d, d.pdfSha256() == null ? null : versionOfContent.get(d.pdfSha256()))).toList();
        String currentKey = row == null ? null : row.pdfKey();
        List<PdfVersionView> pdfVersions = versions.stream().filter(InvoicePdfVersion::isStored)
                .map(v -> new PdfVersionView(v.versionNumber(), v.pdfKey(), v.sha256(), v.sizeBytes(), v.pages(),
                        instant(v.storedAt()), v.pdfKey().equals(currentKey))).toList();
        List<OperationalEventView> operational = em.createQuery(
                        "SELECT o FROM OperationalEvent o WHERE o.stripeInvoiceId = :id ORDER BY o.id DESC",
                        OperationalEvent.class)
                .setParameter("id", invoiceId).setMaxResults(DOSSIER_EVENTS).getResultList().stream()
                .map(AdminQueries::operational).toList();
        List<ReceivedEvent> received = events.stream().map(e -> new ReceivedEvent(e.eventId(), e.eventType(),
                e.apiVersion(), instant(e.receivedAt()), e.disposition())).toList();
        StoredPdfView pdf = row == null || row.pdfKey() == null ? null : new StoredPdfView(row.pdfKey(), row.pdfSha256(),
                row.pdfSize(), row.pdfPages(), instant(row.pdfStoredAt()));
        return Optional.of(new InvoiceDossier(invoiceId, row == null ? null : row.acctId(),
                row == null ? null : row.invUuid(), row == null ? null : row.invoiceNumber(),
                row == null ? null : row.currency(), row == null ? null : row.total(),
                row == null ? null : row.amountDue(), row == null ? null : row.customerEmail(), pdf, pdfVersions,
                received, work, emails, operational, lifecycle(invoiceId), lifecycleHistory(invoiceId),
                adjustments(invoiceId), deliveryEvents(invoiceId)));
    }

    /** What the email provider reported about the invoice's emails, in the order the events happened. */
    private List<DeliveryEventView> deliveryEvents(String invoiceId) {
        return em.createQuery("SELECT e FROM EmailProviderEvent e WHERE e.stripeInvoiceId = :id "
                        + "ORDER BY e.occurredAt, e.id", EmailProviderEvent.class)
                .setParameter("id", invoiceId).setMaxResults(DOSSIER_EVENTS).getResultList().stream()
                .map(e -> new DeliveryEventView(e.provider(), e.eventType(), e.severity(), e.status(), e.recipient(),
                        e.messageId(), e.reason(), instant(e.occurredAt()), instant(e.receivedAt()))).toList();
    }

    private List<AdjustmentView> adjustments(String invoiceId) {
        return em.createQuery("SELECT a FROM InvoiceAdjustment a WHERE a.stripeInvoiceId = :id OR a.chargeId IN "
                                + "(SELECT c.chargeId FROM InvoiceAdjustment c WHERE c.stripeInvoiceId = :id "
                                + "AND c.chargeId IS NOT NULL) ORDER BY a.stripeObjectId", InvoiceAdjustment.class)
                .setParameter("id", invoiceId).setMaxResults(DOSSIER_EVENTS).getResultList().stream()
                .map(a -> new AdjustmentView(a.stripeObjectId(), a.kind(), a.chargeId(), a.status(), a.reason(),
                        a.amount(), a.currency(), instant(a.evidenceDueBy()), instant(a.updatedAt()))).toList();
    }

    private LifecycleView lifecycle(String invoiceId) {
        InvoiceLifecycle l = em.find(InvoiceLifecycle.class, invoiceId);
        return l == null ? null : new LifecycleView(l.status(), l.currency(), l.amountPaid(), instant(l.finalizedAt()),
                instant(l.paidAt()), instant(l.voidedAt()), instant(l.markedUncollectibleAt()), l.attemptCount(),
                instant(l.currentNextPaymentAttempt()), l.declineReason(), instant(l.updatedAt()));
    }

    private List<LifecycleEventView> lifecycleHistory(String invoiceId) {
        return em.createQuery("SELECT e FROM InvoiceLifecycleEvent e WHERE e.stripeInvoiceId = :id ORDER BY e.id",
                        InvoiceLifecycleEvent.class).setParameter("id", invoiceId).setMaxResults(DOSSIER_EVENTS)
                .getResultList().stream().map(e -> new LifecycleEventView(e.stripeEventId(), e.eventType(), e.status(),
                        e.amountPaid(), e.attemptCount(), instant(e.nextPaymentAttempt()), e.declineReason(),
                        instant(e.occurredAt()), instant(e.recordedAt()))).toList();
    }

    public Optional<BillingInvoice> invoiceRecord(String invoiceId) {
        return Optional.ofNullable(em.find(BillingInvoice.class, invoiceId));
    }

    private List<InvoicePdfVersion> pdfVersions(String invoiceId) {
        return em.createQuery("SELECT v FROM InvoicePdfVersion v WHERE v.stripeInvoiceId = :id ORDER BY v.versionNumber",
                InvoicePdfVersion.class).setParameter("id", invoiceId).getResultList();
    }

    private List<EmailDelivery> deliveries(String invoiceId) {
        return em.createQuery("SELECT d FROM EmailDelivery d WHERE d.stripeInvoiceId = :id ORDER BY d.id",
                EmailDelivery.class).setParameter("id", invoiceId).getResultList();
    }

    /** Newest first; pass the previous page's nextBeforeId to read further back. */
    public Page<OperationalEventView> operationalEvents(String type, Instant since, String acctId, Long beforeId,
                                                        int limit) {
        StringBuilder jpql = new StringBuilder("SELECT o FROM OperationalEvent o WHERE 1 = 1");
        List<Object[]> parameters = new ArrayList<>();
        if (type != null) {
            jpql.append(" AND o.eventType = :type");
            parameters.add(new Object[]{"type", type});
        }
        if (since != null) {
            jpql.append(" AND o.occurredAt >= :since");
            parameters.add(new Object[]{"since", LocalDateTime.ofInstant(since, ZoneOffset.UTC)});
        }
        if (acctId != null) {
            jpql.append(" AND o.acctId = :acct");
            parameters.add(new Object[]{"acct", acctId});
        }
        if (beforeId != null) {
            jpql.append(" AND o.id < :before");
            parameters.add(new Object[]{"before", beforeId});
        }
        jpql.append(" ORDER BY o.id DESC");
        TypedQuery<OperationalEvent> query = em.createQuery(jpql.toString(), OperationalEvent.class);
        parameters.forEach(p -> query.setParameter((String) p[0], p[1]));
        List<OperationalEvent> rows = query.setMaxResults(limit + 1).getResultList();
        boolean more = rows.size() > limit;
        List<OperationalEventView> items = rows.stream().limit(limit).map(AdminQueries::operational).toList();
        return new Page<>(items, more ? items.get(items.size() - 1).id() : null);
    }

    public Page<WorkItemView> workItems(WorkState state, Long beforeId, int limit) {
        TypedQuery<WorkItem> query = em.createQuery("SELECT w FROM WorkItem w WHERE w.state = :state"
                        + (beforeId == null ? "" : " AND w.id < :before") + " ORDER BY w.id DESC", WorkItem.class)
                .setParameter("state", state.dbValue());
        if (beforeId != null) {
            query.setParameter("before", beforeId);
        }
        List<WorkItem> rows = query.setMaxResults(limit + 1).getResultList();
        boolean more = rows.size() > limit;
        List<WorkItemView> items = rows.stream().limit(limit).map(AdminQueries::work).toList();
        return new Page<>(items, more ? items.get(items.size() - 1).id() : null);
    }

    public Optional<WorkItemView> workItem(long id) {
        return Optional.ofNullable(em.find(WorkItem.class, id)).map(AdminQueries::work);
    }

    static WorkItemView work(WorkItem w) {
        return new WorkItemView(w.id(), w.eventId(), w.kind(), w.state().dbValue(), w.attempts(),
                instant(w.nextAttemptAt()), w.failureReason(), w.lastError(), instant(w.createdAt()),
                instant(w.updatedAt()));
    }

    private static EmailAttempt email(EmailDelivery d, Integer pdfVersion) {
        return new EmailAttempt(d.template(), d.recipient(), d.messageId(), d.status(), d.attempts(), d.lastError(),
                instant(d.attemptedAt()), instant(d.sentAt()), d.pdfSha256(), pdfVersion, d.providerStatus(),
                instant(d.providerStatusAt()), d.providerReason());
    }

    private static OperationalEventView operational(OperationalEvent o) {
        return new OperationalEventView(o.id(), instant(o.occurredAt()), o.eventType(), o.stripeEventId(),
                o.stripeInvoiceId(), o.acctId(), o.workItemId(), o.detail());
    }

    private static Instant instant(LocalDateTime utc) {
        return utc == null ? null : utc.toInstant(ZoneOffset.UTC);
    }
}
