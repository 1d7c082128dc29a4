package com.adventive.billing.admin.boundary;

import com.adventive.billing.invoice.control.InvoiceMailer;
import com.adventive.billing.invoice.control.InvoicePreparer;
import com.adventive.billing.invoice.control.RenderPermits;
import com.adventive.billing.platform.boundary.ProblemResponses;
import com.adventive.billing.platform.control.Ids;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.mail.MessagingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import java.util.logging.Level;
import java.util.logging.Logger;

/** Turns what went wrong in an operator request into a problem+json answer an operator can act on. */
final class AdminErrors {

    private static final Logger LOG = Logger.getLogger(AdminErrors.class.getName());

    private AdminErrors() {
    }

    static WebApplicationException badRequest(String detail) {
        return new WebApplicationException(ProblemResponses.problem(400, "Bad request", detail));
    }

    static WebApplicationException notFound(String detail) {
        return new WebApplicationException(ProblemResponses.problem(404, "Not found", detail));
    }

    /** The invoice id from a request body such as {"invoice_id":"in_…"}, validated. */
    static String invoiceIdFrom(JsonObject body) {
        if (body == null) {
            throw badRequest("expected a JSON body like {\"invoice_id\":\"in_…\"}");
        }
        if (!(body.get("invoice_id") instanceof JsonString id)) {
            throw badRequest("invoice_id is required and must be a string");
        }
        return validInvoiceId(id.getString());
    }

    static String validInvoiceId(String invoiceId) {
        if (!Ids.INVOICE.matches(invoiceId)) {
            throw badRequest("invoice_id must look like in_… (letters, digits, underscores)");
        }
        return invoiceId;
    }

    static Response fromFailure(String invoiceId, Exception e) {
        if (e instanceof RenderPermits.BusyException busy) {
            return ProblemResponses.builder(503, "Renderer busy", busy.getMessage() + "; nothing was rendered or sent, "
                    + "retry later", "render_busy").header("Retry-After", busy.retryAfterSeconds()).build();
        }
        if (e instanceof InvalidRequestException stripe && Integer.valueOf(404).equals(stripe.getStatusCode())) {
            return ProblemResponses.problem(404, "Not found", "Stripe has no invoice " + invoiceId);
        }
        if (e instanceof InvoicePreparer.LegacyAccountException) {
            return ProblemResponses.problem(409, "Billed by the legacy system",
                    e.getMessage() + "; the worker does not render or email its invoices (double_billing_risk recorded)");
        }
        if (e instanceof InvoicePreparer.AccountConflictException) {
            return ProblemResponses.builder(409, "Account conflict", e.getMessage(), "account_conflict").build();
        }
        if (e instanceof InvoicePreparer.AccountUnresolvedException) {
            return ProblemResponses.problem(422, "Account unresolved",
                    "no account for " + invoiceId + ": " + e.getMessage());
        }
        if (e instanceof InvoiceMailer.UndeliverableException undeliverable) {
            return ProblemResponses.problem(422, "Email undeliverable", undeliverable.reason() + ": " + e.getMessage());
        }
        if (e instanceof InvoiceMailer.DeliveryInProgressException) {
            return ProblemResponses.problem(409, "Send in progress", e.getMessage());
        }
        if (e instanceof AuthenticationException) {
            return ProblemResponses.problem(502, "Stripe refused the API key",
                    "check STRIPE_SECRET_KEY (see runbook: rotate a secret)");
        }
        if (e instanceof ApiConnectionException || e instanceof StripeException) {
            return ProblemResponses.problem(502, "Stripe unavailable", "could not read " + invoiceId + " from Stripe: "
                    + e.getClass().getSimpleName());
        }
        if (e instanceof MessagingException) {
            return ProblemResponses.problem(502, "SMTP refused the email", e.getMessage());
        }
        if (e instanceof InvoiceMailer.MissingPdfException) {
            return ProblemResponses.problem(503, "PDF not in the bucket", e.getMessage());
        }
        LOG.log(Level.WARNING, "Operator request for " + invoiceId + " failed", e);
        return ProblemResponses.problem(503, "Temporarily unable",
                "the request could not be completed (" + e.getClass().getSimpleName() + "); it is safe to retry");
    }
}
