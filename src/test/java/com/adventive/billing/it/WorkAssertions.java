package com.adventive.billing.it;

import com.adventive.billing.it.support.Await;
import com.adventive.billing.it.support.Db;
import com.itextpdf.kernel.pdf.PdfDocument;
import com.itextpdf.kernel.pdf.PdfReader;
import com.itextpdf.kernel.pdf.canvas.parser.PdfTextExtractor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Shared reads for invoice-path tests: work states, ledger rows, and what a PDF says. */
final class WorkAssertions {

    static final Duration WORK_TIMEOUT = Duration.ofSeconds(90);

    private WorkAssertions() {
    }

    static String uniqueEmail(String who) {
        return who + "-" + UUID.randomUUID().toString().substring(0, 8) + "@customer.example";
    }

    static String workState(Db db, String eventId) {
        List<Map<String, Object>> rows = db.rows("SELECT state FROM work_item WHERE event_id = ?", eventId);
        return rows.isEmpty() ? null : (String) rows.get(0).get("state");
    }

    static void awaitWorkState(Db db, String eventId, String expected) {
        Await.until(WORK_TIMEOUT, () -> expected.equals(workState(db, eventId)),
                "work item of " + eventId + " to reach state " + expected);
    }

    static Map<String, Object> invoiceRow(Db db, String invoiceId) {
        List<Map<String, Object>> rows = db.rows("SELECT * FROM billing_invoice WHERE stripe_invoice_id = ?", invoiceId);
        if (rows.isEmpty()) {
            throw new AssertionError("no billing_invoice row for " + invoiceId);
        }
        return rows.get(0);
    }

    static long operationalEvents(Db db, String type, String invoiceId) {
        return db.count("SELECT COUNT(*) FROM operational_event WHERE event_type = ? AND stripe_invoice_id = ?",
                type, invoiceId);
    }

    static String pdfText(byte[] pdf) {
        try (PdfDocument document = new PdfDocument(new PdfReader(new ByteArrayInputStream(pdf)))) {
            StringBuilder text = new StringBuilder();
            for (int page = 1; page <= document.getNumberOfPages(); page++) {
                text.append(PdfTextExtractor.getTextFromPage(document.getPage(page))).append('\n');
            }
            return text.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String pageText(byte[] pdf, int page) {
        try (PdfDocument document = new PdfDocument(new PdfReader(new ByteArrayInputStream(pdf)))) {
            return PdfTextExtractor.getTextFromPage(document.getPage(page));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int pageCount(byte[] pdf) {
        try (PdfDocument document = new PdfDocument(new PdfReader(new ByteArrayInputStream(pdf)))) {
            return document.getNumberOfPages();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
