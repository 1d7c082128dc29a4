package com.adventive.billing.lifecycle.control;

import com.adventive.billing.invoice.control.CreditNotePdfRenderer;
import com.adventive.billing.invoice.control.InvoiceDates;
import com.adventive.billing.invoice.control.InvoiceMailer;
import com.adventive.billing.invoice.control.InvoiceSource;
import com.adventive.billing.invoice.control.InvoiceWork;
import com.adventive.billing.invoice.control.Money;
import com.adventive.billing.invoice.entity.CreditNoteNotice;
import com.adventive.billing.invoice.entity.LoadedInvoice;
import com.adventive.billing.invoice.entity.PreparedInvoice;
import com.adventive.billing.lifecycle.entity.CreditNoteRequest;
import com.adventive.billing.work.control.PermanentWorkFailure;
import com.adventive.billing.work.control.WorkContext;
import com.adventive.billing.work.control.WorkHandler;
import com.adventive.billing.work.entity.WorkState;
import com.stripe.model.InvoiceLineItem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.StringReader;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Emails an issued credit note to the invoice's customer once ({@code credit_note} template, the
 * credit note's PDF attached), through InvoiceMailer's once-per-dedupe-key claim: a retried or
 * redelivered work item never sends a second email. Legacy-billed accounts get nothing.
 */
@ApplicationScoped
public class CreditNoteEmailHandler implements WorkHandler {

    private static final Map<String, String> REASON_LABELS = Map.of(
            "duplicate", "Duplicate charge",
            "fraudulent", "Fraudulent charge",
            "order_change", "Order change",
            "product_unsatisfactory", "Product unsatisfactory");

    @Inject
    CreditNoteLedger ledger;

    @Inject
    InvoiceSource source;

    @Inject
    InvoiceWork invoiceWork;

    @Inject
    CreditNotePdfRenderer pdfRenderer;

    @Override
    public String kind() {
        return CreditNoteLedger.EMAIL_KIND;
    }

    @Override
    public WorkState handle(WorkContext context) throws Exception {
        long id;
        try {
            id = Long.parseLong(context.subject());
        } catch (NumberFormatException e) {
            throw new PermanentWorkFailure("credit_note_missing", "work subject is not a credit note request id");
        }
        CreditNoteRequest request = ledger.byId(id)
                .orElseThrow(() -> new PermanentWorkFailure("credit_note_missing", "no credit note request " + id));
        if (!CreditNoteRequest.ISSUED.equals(request.state())) {
            throw new PermanentWorkFailure("credit_note_not_issued", "credit note request " + id + " is " + request.state());
        }
        var op = context.operational().withInvoice(request.stripeInvoiceId());
        LoadedInvoice loaded = source.fetch(request.stripeInvoiceId());
        Optional<PreparedInvoice> preparing = invoiceWork.prepare(loaded, op);
        if (preparing.isEmpty()) {
            return WorkState.SKIPPED; // recorded as double_billing_risk; the legacy system writes to its customers
        }
        PreparedInvoice prepared = preparing.get();
        CreditNoteNotice notice = notice(request, loaded, prepared.view().number());
        long issuedEpoch = request.issuedAt().toEpochSecond(ZoneOffset.UTC);
        byte[] pdf = pdfRenderer.render(prepared.view(), notice, issuedEpoch);
        invoiceWork.email(mailer -> mailer.sendCreditNote(dedupeKey(request), prepared.row(), prepared.view(), notice,
                loaded.invoice().getCustomerEmail(), pdf, prepared.op()));
        return WorkState.DONE;
    }

    /** One email per credit note, whatever runs it again. */
    static String dedupeKey(CreditNoteRequest request) {
        return InvoiceMailer.CREDIT_NOTE + ":" + request.stripeCreditNoteId();
    }

    static CreditNoteNotice notice(CreditNoteRequest request, LoadedInvoice loaded, String invoiceNumber) {
        String currency = request.currency() != null ? request.currency() : loaded.invoice().getCurrency();
        List<CreditNoteNotice.Line> lines = new ArrayList<>();
        if (request.linesJson() == null) {
            lines.add(new CreditNoteNotice.Line("Credit on invoice " + invoiceNumber,
                    Money.format(request.amount(), currency)));
        } else {
            for (JsonObject line : Json.createReader(new StringReader(request.linesJson())).readArray()
                    .getValuesAs(JsonObject.class)) {
                String description = line.getString("description", null);
                String invoiceLine = line.getString("invoice_line_item", null);
                if (description == null && invoiceLine != null) {
                    description = loaded.lines().stream().filter(l -> invoiceLine.equals(l.getId()))
                            .map(InvoiceLineItem::getDescription).findFirst().orElse(invoiceLine);
                }
                lines.add(new CreditNoteNotice.Line(description,
                        Money.format(line.getJsonNumber("amount").longValue(), currency)));
            }
        }
        String total = request.total() != null ? Money.format(request.total(), currency) : "";
        return new CreditNoteNotice(request.stripeCreditNoteId(), request.creditNoteNumber(),
                InvoiceDates.day(request.issuedAt().toEpochSecond(ZoneOffset.UTC)), total,
                request.reason() == null ? "" : REASON_LABELS.getOrDefault(request.reason(), request.reason()),
                request.memo(), lines);
    }
}
