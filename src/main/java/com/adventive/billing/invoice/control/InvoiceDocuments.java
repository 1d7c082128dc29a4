package com.adventive.billing.invoice.control;

import com.adventive.billing.platform.entity.Texts;
import com.adventive.billing.invoice.entity.BillingInvoice;
import com.adventive.billing.invoice.entity.InvoicePdfVersion;
import com.adventive.billing.invoice.entity.InvoiceView;
import com.adventive.billing.invoice.entity.RenderedPdf;
import com.adventive.billing.invoice.entity.StoredPdf;
import com.adventive.billing.platform.control.BucketGateway;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.platform.control.OperationalLog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Optional;

/**
 * Renders invoice PDFs and keeps every distinct rendering in the bucket: the first at the contract
 * key {acct_id}/{inv_uuid}.pdf, later ones that differ beside it ({acct_id}/{inv_uuid}.v{n}.pdf), so
 * the PDF a customer received is never overwritten. The newest rendering is the invoice's current
 * PDF, the one the next email attaches.
 */
@ApplicationScoped
public class InvoiceDocuments {

    static final String PDF = "application/pdf";
    private static final int STORE_ROUNDS = 5;

    @Inject
    InvoicePdfRenderer renderer;

    @Inject
    RenderGauge gauge;

    @Inject
    BucketGateway bucket;

    @Inject
    InvoiceLedger ledger;

    @Inject
    OperationalLog operationalLog;

    /**
     * The current PDF, rendering it only if the bucket does not hold the copy we recorded.
     * Rendering is deterministic, so a re-render after a crash gives the very same bytes.
     */
    public StoredPdf ensureStored(BillingInvoice row, InvoiceView view, OperationalContext op) {
        Optional<StoredPdf> current = current(row);
        return current.isPresent() ? current.get() : renderAndStore(row, view, op);
    }

    /**
     * Always renders (for operators who ask for a fresh copy). Bytes already stored as a version are
     * not stored again; different bytes become a new version beside the earlier ones.
     */
    public StoredPdf renderAndStore(BillingInvoice row, InvoiceView view, OperationalContext op) {
        RenderedPdf pdf;
        try {
            pdf = gauge.measure(() -> renderer.render(view));
        } catch (RuntimeException e) {
            operationalLog.record(op, "pdf_render_failed", e.getClass().getSimpleName() + ": " + e.getMessage());
            throw e;
        }
        InvoicePdfVersion version = store(row, pdf, op);
        operationalLog.record(op, "pdf_rendered", "key=" + version.pdfKey() + " version=" + version.versionNumber()
                + " sha256=" + pdf.sha256() + " bytes=" + pdf.bytes().length + " pages=" + pdf.pages()
                + " render_ms=" + pdf.renderMillis());
        return new StoredPdf(version.pdfKey(), pdf.bytes(), pdf.sha256(), pdf.pages(), pdf.renderMillis());
    }

    /**
     * The invoice's current PDF as it is in the bucket right now, if the bytes there are the ones the
     * ledger recorded. Emails attach exactly this, never an unstored copy.
     */
    public Optional<StoredPdf> current(BillingInvoice row) {
        Optional<InvoicePdfVersion> version = ledger.currentPdf(row.stripeInvoiceId());
        if (version.isEmpty()) {
            return Optional.empty();
        }
        Optional<byte[]> stored = bucket.get(version.get().pdfKey());
        if (stored.isEmpty() || !version.get().sha256().equals(Texts.sha256Hex(stored.get()))) {
            return Optional.empty();
        }
        return Optional.of(new StoredPdf(version.get().pdfKey(), stored.get(), version.get().sha256(),
                version.get().pages(), 0));
    }

    /**
     * Puts the rendering in the bucket under the version that holds the same bytes, or under a newly
     * reserved one. A version's number and key are reserved in the ledger before its object is
     * written, so two concurrent renders never write different bytes to one key; writing a version's
     * object again writes the bytes it already holds.
     */
    private InvoicePdfVersion store(BillingInvoice row, RenderedPdf pdf, OperationalContext op) {
        for (int round = 0; round < STORE_ROUNDS; round++) {
            List<InvoicePdfVersion> versions = ledger.pdfVersions(row.stripeInvoiceId());
            Optional<InvoicePdfVersion> same = versions.stream().filter(v -> v.sha256().equals(pdf.sha256())).findFirst();
            InvoicePdfVersion target;
            if (same.isPresent()) {
                target = same.get();
            } else {
                int next = versions.stream().mapToInt(InvoicePdfVersion::versionNumber).max().orElse(0) + 1;
                try {
                    target = ledger.reservePdfVersion(row, next, pdf.sha256(), pdf.bytes().length, pdf.pages());
                } catch (RuntimeException e) {
                    boolean lostRace = ledger.pdfVersions(row.stripeInvoiceId()).stream()
                            .anyMatch(v -> v.versionNumber() == next || v.sha256().equals(pdf.sha256()));
                    if (!lostRace) {
                        throw e;
                    }
                    continue; // another render reserved this number or this content first: look again
                }
            }
            try {
                bucket.put(target.pdfKey(), pdf.bytes(), PDF);
            } catch (RuntimeException e) {
                operationalLog.record(op, "pdf_store_failed", "bucket refused " + target.pdfKey() + ": " + e.getMessage());
                throw e;
            }
            ledger.pdfStored(target.id());
            return target;
        }
        throw new IllegalStateException("could not reserve a PDF version for " + row.stripeInvoiceId()
                + " after " + STORE_ROUNDS + " tries: concurrent renders");
    }
}
