package com.adventive.billing.lifecycle.control;

import com.adventive.billing.lifecycle.entity.AdjustmentSnapshot;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.time.Instant;
import java.util.regex.Pattern;

/** Reads a refunded charge, a credit note or a dispute out of an event's parsed data.object. */
final class AdjustmentSnapshots {

    /** Charges (ch_, py_), credit notes (cn_), disputes (dp_, du_), invoices (in_). */
    static final Pattern STRIPE_ID = Pattern.compile("[a-z]{2,4}_[A-Za-z0-9_]{1,250}");

    private AdjustmentSnapshots() {
    }

    static AdjustmentSnapshot refund(JsonObject charge) {
        Long refunded = number(charge, "amount_refunded");
        boolean full = charge.get("refunded") == JsonValue.TRUE;
        if (refunded == null && full) {
            refunded = number(charge, "amount"); // older API versions: refunded in full, no amount_refunded
        }
        return new AdjustmentSnapshot(text(charge, "id"), AdjustmentSnapshot.REFUND, id(charge, "invoice"),
                text(charge, "id"), full ? "refunded" : "partially_refunded", null, refunded,
                text(charge, "currency"), null);
    }

    static AdjustmentSnapshot creditNote(JsonObject note) {
        Long total = number(note, "total") != null ? number(note, "total") : number(note, "amount");
        return new AdjustmentSnapshot(text(note, "id"), AdjustmentSnapshot.CREDIT_NOTE, id(note, "invoice"), null,
                text(note, "status"), text(note, "reason"), total, text(note, "currency"), null);
    }

    static AdjustmentSnapshot dispute(JsonObject dispute) {
        JsonObject evidence = dispute.get("evidence_details") instanceof JsonObject e ? e : JsonValue.EMPTY_JSON_OBJECT;
        Long due = number(evidence, "due_by");
        return new AdjustmentSnapshot(text(dispute, "id"), AdjustmentSnapshot.DISPUTE, null, id(dispute, "charge"),
                text(dispute, "status"), text(dispute, "reason"), number(dispute, "amount"),
                text(dispute, "currency"), due == null ? null : Instant.ofEpochSecond(due));
    }

    /** A reference that is either an id or an expanded object with one; malformed ids are dropped. */
    private static String id(JsonObject object, String name) {
        JsonValue value = object.get(name);
        String id = value instanceof JsonString s ? s.getString()
                : value instanceof JsonObject o ? text(o, "id") : null;
        return id != null && STRIPE_ID.matcher(id).matches() ? id : null;
    }

    private static String text(JsonObject object, String name) {
        return object.get(name) instanceof JsonString s ? s.getString() : null;
    }

    private static Long number(JsonObject object, String name) {
        return object.get(name) instanceof JsonNumber n ? n.longValue() : null;
    }
}
