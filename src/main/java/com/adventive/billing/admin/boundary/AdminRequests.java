package com.adventive.billing.admin.boundary;

import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.platform.control.Ids;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

/** Validation of what operators send, refused as problems the mapper answers with problem+json. */
final class AdminRequests {

    private AdminRequests() {
    }

    static BillingProblem invalid(String detail) {
        return BillingProblem.badRequest("invalid_request", detail);
    }

    static BillingProblem notFound(String detail) {
        return BillingProblem.notFound("not_found", detail);
    }

    /** The invoice id from a request body such as {"invoice_id":"in_…"}, validated. */
    static String invoiceIdFrom(JsonObject body) {
        if (body == null) {
            throw invalid("expected a JSON body like {\"invoice_id\":\"in_…\"}");
        }
        if (!(body.get("invoice_id") instanceof JsonString id)) {
            throw invalid("invoice_id is required and must be a string");
        }
        return validInvoiceId(id.getString());
    }

    static String validInvoiceId(String invoiceId) {
        if (!Ids.INVOICE.matches(invoiceId)) {
            throw BillingProblem.badRequest("invoice_id_invalid", "invoice_id must look like in_… (letters, digits, underscores)");
        }
        return invoiceId;
    }

    /** A page size from a query parameter: absent means {@code defaultLimit}, anything else must be 1 to {@code maxLimit}. */
    static int limit(String raw, int defaultLimit, int maxLimit) {
        if (raw == null) {
            return defaultLimit;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value >= 1 && value <= maxLimit) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw BillingProblem.badRequest("invalid_limit", "limit must be a whole number from 1 to " + maxLimit);
    }
}
