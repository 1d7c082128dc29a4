package com.adventive.billing.invoice.control;

import com.adventive.billing.invoice.entity.RenderedPdf;

/**
 * Run in a JVM with a small heap by {@link LongInvoiceMemoryTest}: renders an invoice of the given
 * number of lines and prints its page count and sha256 (or dies of OutOfMemoryError).
 */
public final class LongInvoiceProbe {

    private LongInvoiceProbe() {
    }

    public static void main(String[] args) {
        int lines = Integer.parseInt(args[0]);
        RenderedPdf pdf = new InvoicePdfRenderer().render(SampleInvoices.builder().extraLines(lines - 3).build().view());
        System.out.println("pages=" + pdf.pages() + " sha256=" + pdf.sha256());
    }
}
