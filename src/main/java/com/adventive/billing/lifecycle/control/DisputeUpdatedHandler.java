package com.adventive.billing.lifecycle.control;

import com.adventive.billing.lifecycle.entity.AdjustmentSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;

/** charge.dispute.updated: the dispute's state, reason, amount and evidence deadline. */
@ApplicationScoped
public class DisputeUpdatedHandler extends AdjustmentHandler {

    @Override
    public String kind() {
        return "charge.dispute.updated";
    }

    @Override
    protected AdjustmentSnapshot read(JsonObject object) {
        return AdjustmentSnapshots.dispute(object);
    }
}
