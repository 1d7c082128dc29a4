package com.adventive.billing.lifecycle.control;

import com.adventive.billing.lifecycle.entity.AdjustmentSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;

/** credit_note.created: the credit note's total against its invoice. */
@ApplicationScoped
public class CreditNoteCreatedHandler extends AdjustmentHandler {

    @Override
    public String kind() {
        return "credit_note.created";
    }

    @Override
    protected AdjustmentSnapshot read(JsonObject object) {
        return AdjustmentSnapshots.creditNote(object);
    }
}
