package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.InvoiceView;

/**
 * Run in a fresh JVM by {@link InvoicePdfRendererTest}: renders {@link #view()} and prints its
 * sha256, after rendering two other invoices, so iText's JVM-wide counters differ from the test's.
 */
public final class DeterminismProbe {

    private DeterminismProbe() {
    }

    /** Every font (Latin, CJK, Arabic), tiers, discount and tax: all the moving parts in one document. */
    static InvoiceView view() {
        return SampleInvoices.builder()
                .id("in_probe")
                .customerName("株式会社テスト / شركة الاختبار")
                .extraLines(40)
                .build().view();
    }

    public static void main(String[] args) {
        InvoicePdfRenderer renderer = new InvoicePdfRenderer();
        renderer.render(SampleInvoices.builder().id("in_warm_1").extraLines(5).build().view());
        renderer.render(SampleInvoices.builder().id("in_warm_2").currency("jpy").build().view());
        System.out.println("sha256=" + renderer.render(view()).sha256());
    }
}
