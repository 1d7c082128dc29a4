package com.adventive.billing.lifecycle.boundary;

import com.adventive.billing.lifecycle.control.CreditNoteLedger;
import com.adventive.billing.lifecycle.control.CreditNotes;
import com.adventive.billing.lifecycle.entity.CreditNoteRequest;
import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.platform.control.Ids;
import com.adventive.billing.work.boundary.WorkQueueSender;
import com.stripe.exception.StripeException;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
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
        if (body == null) {
            throw invalid("expected a JSON body");
        }
        String who = security != null && security.getUserPrincipal() != null ? security.getUserPrincipal().getName() : null;
        CreditNotes.Outcome outcome = creditNotes.issue(text(body, "invoice_id"), amount(body.get("amount"), "amount"),
                lines(body.get("lines")), text(body, "reason"), text(body, "memo"), text(body, "request_id"), who);
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

    private static List<CreditNotes.RequestedLine> lines(JsonValue value) {
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonArray array)) {
            throw invalid("lines must be an array");
        }
        List<CreditNotes.RequestedLine> lines = new ArrayList<>();
        for (JsonValue item : array) {
            if (!(item instanceof JsonObject line)) {
                throw invalid("each line must be an object");
            }
            lines.add(new CreditNotes.RequestedLine(text(line, "invoice_line_item"), text(line, "description"),
                    amount(line.get("amount"), "a line's amount")));
        }
        return lines;
    }

    private static String text(JsonObject body, String field) {
        JsonValue value = body.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (value instanceof JsonString s) {
            return s.getString();
        }
        throw invalid(field + " must be a string");
    }

    private static Long amount(JsonValue value, String what) {
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (value instanceof JsonNumber n && n.isIntegral()) {
            try {
                return n.bigIntegerValueExact().longValueExact();
            } catch (ArithmeticException e) {
                throw invalid(what + " is too large");
            }
        }
        throw invalid(what + " must be a whole number in the invoice currency's minor unit");
    }

    private static BillingProblem invalid(String detail) {
        return BillingProblem.badRequest("invalid_credit_note", detail);
    }
}
