package com.adventive.billing.platform.control;

import com.adventive.billing.platform.entity.OperationalContext;

import java.util.ArrayList;
import java.util.List;

/** An OperationalLog for unit tests: keeps each event's type and detail, in order, instead of writing them. */
public final class RecordingOperationalLog extends OperationalLog {

    public final List<String> types = new ArrayList<>();
    public final List<String> details = new ArrayList<>();

    @Override
    public void record(OperationalContext context, String eventType, String detail) {
        types.add(eventType);
        details.add(detail);
    }
}
