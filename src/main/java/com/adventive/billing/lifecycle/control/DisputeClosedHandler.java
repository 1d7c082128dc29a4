package com.adventive.billing.lifecycle.control;

import com.adventive.billing.lifecycle.entity.AdjustmentSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;

/** charge.dispute.closed: the dispute's outcome (won, lost). */
@ApplicationScoped
public class DisputeClosedHandler extends AdjustmentHandler {

    @Override
    public String kind() {
        return "charge.dispute.closed";
    }

    @Override
    protected AdjustmentSnapshot read(JsonObject object) {
        return AdjustmentSnapshots.dispute(object);
    }
}
