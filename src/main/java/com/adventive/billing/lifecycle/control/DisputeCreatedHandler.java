package com.adventive.billing.lifecycle.control;

import com.adventive.billing.lifecycle.entity.AdjustmentSnapshot;
import com.adventive.billing.platform.entity.OperationalContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;

/** charge.dispute.created: recorded, and operational event dispute_opened with the evidence deadline, once. */
@ApplicationScoped
public class DisputeCreatedHandler extends AdjustmentHandler {

    public static final String DISPUTE_OPENED = "dispute_opened";

    @Override
    public String kind() {
        return "charge.dispute.created";
    }

    @Override
    protected AdjustmentSnapshot read(JsonObject object) {
        return AdjustmentSnapshots.dispute(object);
    }

    @Override
    protected void afterRecording(AdjustmentSnapshot copy, LifecycleLedger.RecordedAdjustment recorded,
                                  OperationalContext op) {
        if (recorded.firstTime()) {
            operationalLog.record(op, DISPUTE_OPENED, "dispute " + copy.objectId() + " on charge " + copy.chargeId()
                    + ": " + copy.reason() + ", " + copy.amount() + " " + copy.currency()
                    + ", evidence due by " + copy.evidenceDueBy());
        }
    }
}
