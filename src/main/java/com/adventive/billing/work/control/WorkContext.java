package com.adventive.billing.work.control;

import com.adventive.billing.platform.entity.OperationalContext;

/** The stored event a handler works on, with the ids operational events are tagged with. */
public record WorkContext(long workItemId, String eventId, String eventType, String apiVersion,
                          String payload) {

    public OperationalContext operational() {
        return OperationalContext.ofWork(workItemId, eventId);
    }
}
