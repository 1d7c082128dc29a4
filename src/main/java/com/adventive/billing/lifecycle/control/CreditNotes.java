package com.adventive.billing.lifecycle.control;

import com.adventive.billing.invoice.control.InvoicePreparer;
import com.adventive.billing.invoice.control.InvoiceSource;
import com.adventive.billing.invoice.entity.PreparedInvoice;
import com.adventive.billing.lifecycle.entity.CreditNoteRequest;
import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.platform.control.Clock;
import com.adventive.billing.platform.control.Ids;
import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.platform.control.RequestSendLedger;
import com.adventive.billing.platform.control.StripeGateway;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.platform.entity.Texts;
import com.stripe.exception.StripeException;
import com.stripe.model.CreditNote;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Issues a Stripe Credit Note once per request: the request is validated, its account checked
 * (only accounts billed through Stripe), written down under a key derived from what was asked
 * (so the same request sent twice is one credit note), then created in Stripe with that key as the
 * idempotency key. Issuing creates the work that emails the credit note to the customer once.
 */
@ApplicationScoped
public class CreditNotes {

    /** Stripe keeps idempotency keys for about 24 hours; an hour less. */
    static final Duration RESEND_WINDOW = Duration.ofHours(23);
    public static final Set<String> REASONS = Set.of("duplicate", "fraudulent", "order_change", "product_unsatisfactory");
    static final int MAX_MEMO = 1000;
    static final int MAX_LINES = 50;
    static final int MAX_REQUEST_ID = 100;

    @Inject
    CreditNoteLedger ledger;

    @Inject
    RequestSendLedger sends;

    @Inject
    InvoiceSource source;

    @Inject
    InvoicePreparer preparer;

    @Inject
    StripeGateway stripe;

    @Inject
    OperationalLog operationalLog;

    /** One line asked for: against an invoice line ({@code il_…}) or a custom line with a description. */
    public record RequestedLine(String invoiceLineItem, String description, Long amount) {
    }

    /** What became of the request: {@code issued} now or {@code duplicate}; {@code workId} is the email's work to wake. */
    public record Outcome(String status, CreditNoteRequest request, Long workId) {
    }

    public Outcome issue(String invoiceId, Long amount, List<RequestedLine> lines, String reason, String memo,
                         String requestId, String who) throws StripeException {
        validate(invoiceId, amount, lines, reason, memo, requestId);
        String linesJson = linesJson(lines);
        String key = requestKey(invoiceId, amount, linesJson, reason, memo, requestId);
        CreditNoteRequest request = ledger.byKey(key).orElse(null);
        if (request == null) {
            String acctId = stripeBilledAccount(invoiceId);
            try {
                request = sends.insert(new CreditNoteRequest(key, invoiceId, acctId, amount, linesJson, reason,
                        memo, who, Clock.nowUtc()));
            } catch (RuntimeException e) {
                request = ledger.byKey(key).orElseThrow(() -> e); // a concurrent identical request won
            }
        }
        var decision = sends.startSend(CreditNoteRequest.class, request.id(), RESEND_WINDOW);
        if (decision instanceof RequestSendLedger.Decision.Settled<CreditNoteRequest> settled) {
            return settledAnswer(settled.request());
        }
        CreditNoteRequest sending = decision.request();
        CreditNote note;
        try {
            note = stripe.createCreditNote(invoiceId, amount, gatewayLines(lines), reason, memo,
                    Map.of("request_key", key, "requested_by", who == null ? "" : Texts.truncate(who, 400),
                            "source", "billing-worker"), key);
        } catch (StripeException e) {
            sends.sendFailed(CreditNoteRequest.class, sending.id(), Texts.describe(e, 1500),
                    StripeGateway.refusedForGood(e));
            throw e;
        }
        CreditNoteLedger.Issued issued = ledger.issued(sending.id(), note.getId(), note.getNumber(), note.getTotal(),
                note.getCurrency());
        operationalLog.record(new OperationalContext(null, invoiceId, issued.request().acctId(), null),
                "credit_note_issued", note.getId() + " " + note.getTotal() + " " + note.getCurrency() + " by " + who
                        + (reason == null ? "" : " (" + reason + ")"));
        return new Outcome("issued", issued.request(), issued.workId());
    }

    /**
     * The invoice's account, which must be billed through Stripe: a credit note for a legacy-billed
     * account belongs to the legacy system, and the worker would email its customer.
     */
    private String stripeBilledAccount(String invoiceId) throws StripeException {
        try {
            PreparedInvoice prepared = preparer.prepare(source.fetch(invoiceId),
                    new OperationalContext(null, invoiceId, null, null));
            return prepared.row().acctId();
        } catch (InvoicePreparer.LegacyAccountException e) {
            throw BillingProblem.conflict("legacy_account", e.getMessage()
                    + "; issue its credit note in the legacy system");
        } catch (InvoicePreparer.AccountUnresolvedException e) {
            throw new BillingProblem(422, "account_unresolved", "no account for " + invoiceId + ": " + e.getMessage());
        } catch (InvoicePreparer.AccountConflictException e) {
            throw BillingProblem.conflict("account_conflict", e.getMessage());
        }
    }

    private static Outcome settledAnswer(CreditNoteRequest request) {
        return switch (request.state()) {
            case CreditNoteRequest.ISSUED -> new Outcome("duplicate", request, null);
            case CreditNoteRequest.FAILED -> throw BillingProblem.conflict("credit_note_refused_by_stripe",
                    "Stripe refused this credit note: " + request.lastError() + "; correct the request and send it again");
            default -> throw BillingProblem.conflict("credit_note_outcome_unknown", request.lastError());
        };
    }

    /** The same request (invoice, amount or lines, reason, memo, request_id) always gives the same key. */
    static String requestKey(String invoiceId, Long amount, String linesJson, String reason, String memo,
                             String requestId) {
        String joined = String.join("\u0000", invoiceId, String.valueOf(amount), String.valueOf(linesJson),
                String.valueOf(reason), String.valueOf(memo), String.valueOf(requestId));
        return "credit_note_" + Texts.sha256Hex(joined.getBytes(StandardCharsets.UTF_8)).substring(0, 48);
    }

    private static String linesJson(List<RequestedLine> lines) {
        if (lines == null || lines.isEmpty()) {
            return null;
        }
        JsonArrayBuilder array = Json.createArrayBuilder();
        for (RequestedLine line : lines) {
            var o = Json.createObjectBuilder();
            if (line.invoiceLineItem() != null) {
                o.add("invoice_line_item", line.invoiceLineItem());
            }
            if (line.description() != null) {
                o.add("description", line.description());
            }
            o.add("amount", line.amount());
            array.add(o);
        }
        return array.build().toString();
    }

    private static List<StripeGateway.CreditNoteLine> gatewayLines(List<RequestedLine> lines) {
        return lines == null ? List.of() : lines.stream()
                .map(l -> new StripeGateway.CreditNoteLine(l.invoiceLineItem(), l.description(), l.amount())).toList();
    }

    private static void validate(String invoiceId, Long amount, List<RequestedLine> lines, String reason, String memo,
                                 String requestId) {
        if (invoiceId == null || !Ids.INVOICE.matches(invoiceId)) {
            throw invalid("invoice_id must look like in_… (letters, digits, underscores)");
        }
        boolean hasLines = lines != null && !lines.isEmpty();
        if ((amount == null) == !hasLines) {
            throw invalid("give exactly one of amount (minor units) or lines");
        }
        if (amount != null && amount < 1) {
            throw invalid("amount must be a positive whole number in the invoice currency's minor unit");
        }
        if (hasLines) {
            if (lines.size() > MAX_LINES) {
                throw invalid("at most " + MAX_LINES + " lines");
            }
            for (RequestedLine line : lines) {
                if (line.amount() == null || line.amount() < 1) {
                    throw invalid("each line needs a positive whole amount in minor units");
                }
                boolean invoiceLine = line.invoiceLineItem() != null;
                if (invoiceLine && !line.invoiceLineItem().matches("il_[A-Za-z0-9_]{1,250}")) {
                    throw invalid("invoice_line_item must look like il_…");
                }
                if (!invoiceLine && (line.description() == null || line.description().isBlank()
                        || line.description().length() > 500)) {
                    throw invalid("a line without invoice_line_item needs a description (1 to 500 characters)");
                }
            }
        }
        if (reason != null && !REASONS.contains(reason)) {
            throw invalid("reason must be one of " + REASONS + " (Stripe's credit note reasons) or left out");
        }
        if (memo != null && memo.length() > MAX_MEMO) {
            throw invalid("memo is at most " + MAX_MEMO + " characters");
        }
        if (requestId != null && (requestId.isBlank() || requestId.length() > MAX_REQUEST_ID
                || requestId.chars().anyMatch(Character::isISOControl))) {
            throw invalid("request_id must be 1 to " + MAX_REQUEST_ID + " printable characters");
        }
    }

    private static BillingProblem invalid(String detail) {
        return BillingProblem.badRequest("invalid_credit_note", detail);
    }
}
