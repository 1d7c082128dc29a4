package com.adventive.billing.lifecycle.boundary;

import com.adventive.billing.lifecycle.control.CreditNoteLedger;
import com.adventive.billing.lifecycle.control.CreditNotes;
import com.adventive.billing.lifecycle.entity.CreditNoteRequest;
import com.adventive.billing.platform.boundary.RequestInput;
import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.platform.control.Ids;
import com.adventive.billing.work.boundary.WorkQueueSender;
import com.stripe.exception.StripeException;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Credit notes an operator issues (the runbook's fix for double-counted usage, a wrong amount or a
 * wrong managed job): one Stripe Credit Note per request, emailed to the customer once by
 * background work. Audited by the admin gate; who asked comes from the authenticated principal.
 */
@Path("/admin/credit-notes")
@Tag(name = "credit notes", description = "Stripe Credit Notes issued by operators, emailed once")
public class AdminCreditNotesResource {

    private static final String INVALID = "invalid_credit_note";

    @Inject
    CreditNotes creditNotes;

    @Inject
    CreditNoteLedger ledger;

    @Inject
    WorkQueueSender queue;

    @Context
    SecurityContext security;

    public record CreditNoteView(String status, long id, String invoiceId, String acctId, String creditNoteId,
                                 String number, Long total, String currency, Long amount, String reason, String memo,
                                 String state, String requestedBy, LocalDateTime requestedAt, LocalDateTime issuedAt,
                                 String lastError) {
        static CreditNoteView of(String status, CreditNoteRequest r) {
            return new CreditNoteView(status, r.id(), r.stripeInvoiceId(), r.acctId(), r.stripeCreditNoteId(),
                    r.creditNoteNumber(), r.total(), r.currency(), r.amount(), r.reason(), r.memo(), r.state(),
                    r.requestedBy(), r.requestedAt(), r.issuedAt(), r.lastError());
        }
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue a credit note once: {invoice_id, amount | lines:[{invoice_line_item|description, amount}], "
            + "reason, memo, request_id?}; the customer is emailed it once")
    public Response issue(JsonObject body) throws StripeException {
        RequestInput input = RequestInput.body(body, INVALID);
        CreditNotes.Outcome outcome = creditNotes.issue(input.text("invoice_id"), amount(input, "amount"),
                lines(input), input.text("reason"), input.text("memo"), input.text("request_id"),
                RequestInput.who(security));
        if (outcome.workId() != null) {
            queue.wakeNew(outcome.workId());
        }
        return Response.status("issued".equals(outcome.status()) ? 201 : 200)
                .entity(CreditNoteView.of(outcome.status(), outcome.request())).build();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The credit notes operators asked for on an invoice")
    public List<CreditNoteView> forInvoice(@QueryParam("invoice_id") String invoiceId) {
        if (invoiceId == null || !Ids.INVOICE.matches(invoiceId)) {
            throw invalid("invoice_id must look like in_…");
        }
        return ledger.forInvoice(invoiceId).stream().map(r -> CreditNoteView.of(r.state(), r)).toList();
    }

    private static List<CreditNotes.RequestedLine> lines(RequestInput body) {
        JsonValue value = body.value("lines");
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonArray array)) {
            throw invalid("lines must be an array");
        }
        List<CreditNotes.RequestedLine> lines = new ArrayList<>();
        for (JsonValue item : array) {
            if (!(item instanceof JsonObject object)) {
                throw invalid("each line must be an object");
            }
            RequestInput line = new RequestInput(object, INVALID);
            lines.add(new CreditNotes.RequestedLine(line.text("invoice_line_item"), line.text("description"),
                    amount(line, "a line's amount")));
        }
        return lines;
    }

    private static Long amount(RequestInput input, String what) {
        return input.wholeNumber("amount", what, "a whole number in the invoice currency's minor unit");
    }

    private static BillingProblem invalid(String detail) {
        return BillingProblem.badRequest(INVALID, detail);
    }
}
