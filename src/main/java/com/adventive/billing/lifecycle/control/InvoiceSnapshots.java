package com.adventive.billing.lifecycle.control;

import com.adventive.billing.lifecycle.entity.InvoiceSnapshot;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.time.Instant;

/** Reads the lifecycle facts out of an event's parsed invoice object (data.object). */
final class InvoiceSnapshots {

    private InvoiceSnapshots() {
    }

    static InvoiceSnapshot of(JsonObject invoice) {
        JsonObject transitions = invoice.get("status_transitions") instanceof JsonObject t ? t : JsonValue.EMPTY_JSON_OBJECT;
        return new InvoiceSnapshot(text(invoice, "id"), text(invoice, "status"), text(invoice, "currency"),
                number(invoice, "amount_paid"), time(transitions, "finalized_at"), time(transitions, "paid_at"),
                time(transitions, "voided_at"), time(transitions, "marked_uncollectible_at"),
                number(invoice, "attempt_count") == null ? null : number(invoice, "attempt_count").intValue(),
                time(invoice, "next_payment_attempt"), declineReason(invoice), text(invoice, "hosted_invoice_url"));
    }

    /**
     * The decline reason, when the event's invoice carries its payment's last error: an expanded
     * {@code payment_intent} (or its {@code last_payment_error} directly, or an expanded {@code charge}).
     * Stripe's default webhook payload does not expand them, so this is often unknown.
     */
    private static String declineReason(JsonObject invoice) {
        JsonObject error = null;
        if (invoice.get("last_payment_error") instanceof JsonObject e) {
            error = e;
        } else if (invoice.get("payment_intent") instanceof JsonObject pi && pi.get("last_payment_error") instanceof JsonObject e) {
            error = e;
        }
        if (error != null) {
            String code = text(error, "decline_code") != null ? text(error, "decline_code") : text(error, "code");
            String message = text(error, "message");
            return code == null ? message : message == null ? code : code + ": " + message;
        }
        if (invoice.get("charge") instanceof JsonObject charge) {
            String code = text(charge, "failure_code");
            String message = text(charge, "failure_message");
            return code == null ? message : message == null ? code : code + ": " + message;
        }
        return null;
    }

    private static String text(JsonObject object, String name) {
        return object.get(name) instanceof JsonString s ? s.getString() : null;
    }

    private static Long number(JsonObject object, String name) {
        return object.get(name) instanceof JsonNumber n ? n.longValue() : null;
    }

    private static Instant time(JsonObject object, String name) {
        Long seconds = number(object, name);
        return seconds == null ? null : Instant.ofEpochSecond(seconds);
    }
}
