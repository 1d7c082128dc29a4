package com.adventive.billing.lifecycle.control;

import com.adventive.billing.lifecycle.entity.AdjustmentSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;

/** charge.refunded: the amount refunded so far on the charge, for reconciliation. */
@ApplicationScoped
public class ChargeRefundedHandler extends AdjustmentHandler {

    @Override
    public String kind() {
        return "charge.refunded";
    }

    @Override
    protected AdjustmentSnapshot read(JsonObject object) {
        return AdjustmentSnapshots.refund(object);
    }
}
