package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.BillingInvoice;
import com.adventive.billing.invoice.entity.InvoiceView;
import com.adventive.billing.invoice.entity.RenderedPdf;
import com.adventive.billing.invoice.entity.StoredPdf;
import com.adventive.billing.platform.control.BucketGateway;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.platform.control.OperationalLog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Optional;

/** Renders invoice PDFs and keeps them in the bucket at {acct_id}/{inv_uuid}.pdf. */
@ApplicationScoped
public class InvoiceDocuments {

    static final String PDF = "application/pdf";

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
     * The stored PDF, rendering it only if the bucket does not already hold the copy we recorded.
     * Rendering is deterministic, so a re-render after a crash stores the very same bytes.
     */
    public StoredPdf ensureStored(BillingInvoice row, InvoiceView view, OperationalContext op) {
        if (row.pdfSha256() != null) {
            Optional<byte[]> stored = bucket.get(row.objectKey());
            if (stored.isPresent() && row.pdfSha256().equals(RenderedPdf.sha256Hex(stored.get()))) {
                return new StoredPdf(row.objectKey(), stored.get(), row.pdfSha256(),
                        row.pdfPages() == null ? 0 : row.pdfPages(), 0);
            }
        }
        return renderAndStore(row, view, op);
    }

    /** Always renders and overwrites; for operators who ask for a fresh copy. */
    public StoredPdf renderAndStore(BillingInvoice row, InvoiceView view, OperationalContext op) {
        RenderedPdf pdf;
        try {
            pdf = gauge.measure(() -> renderer.render(view));
        } catch (RuntimeException e) {
            operationalLog.record(op, "pdf_render_failed", e.getClass().getSimpleName() + ": " + e.getMessage());
            throw e;
        }
        String key = row.objectKey();
        try {
            bucket.put(key, pdf.bytes(), PDF);
        } catch (RuntimeException e) {
            operationalLog.record(op, "pdf_store_failed", "bucket refused " + key + ": " + e.getMessage());
            throw e;
        }
        ledger.pdfStored(row.stripeInvoiceId(), key, pdf.sha256(), pdf.bytes().length, pdf.pages());
        operationalLog.record(op, "pdf_rendered", "key=" + key + " sha256=" + pdf.sha256() + " bytes="
                + pdf.bytes().length + " pages=" + pdf.pages() + " render_ms=" + pdf.renderMillis());
        return new StoredPdf(key, pdf.bytes(), pdf.sha256(), pdf.pages(), pdf.renderMillis());
    }

    /** The bytes in the bucket right now, if any. Emails attach exactly this, never an unstored copy. */
    public Optional<byte[]> storedBytes(BillingInvoice row) {
        return bucket.get(row.objectKey());
    }
}
