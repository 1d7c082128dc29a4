package com.adventive.billing.lifecycle.control;

import com.adventive.billing.lifecycle.entity.AdjustmentSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;

/** credit_note.voided: the credit note no longer counts. */
@ApplicationScoped
public class CreditNoteVoidedHandler extends AdjustmentHandler {

    @Override
    public String kind() {
        return "credit_note.voided";
    }

    @Override
    protected AdjustmentSnapshot read(JsonObject object) {
        return AdjustmentSnapshots.creditNote(object);
    }
}
