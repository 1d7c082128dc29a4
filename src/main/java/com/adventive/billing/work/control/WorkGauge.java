package com.adventive.billing.work.control;

import com.adventive.billing.platform.control.PeakCounter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.metrics.annotation.Gauge;

/**
 * Work items being worked right now and the most seen at once. The cap itself is the MDB
 * activation spec's maxConcurrency (RENDER_CONCURRENCY); this is how operators and tests see it hold.
 */
@ApplicationScoped
public class WorkGauge {

    private final PeakCounter work = new PeakCounter();

    void enter() {
        work.enter();
    }

    void exit() {
        work.exit();
    }

    @Gauge(name = "work_in_flight", unit = "none", absolute = true,
            description = "Work items (render, store, email) being worked right now")
    public int inFlight() {
        return work.inFlight();
    }

    @Gauge(name = "work_in_flight_peak", unit = "none", absolute = true,
            description = "Most work items ever seen being worked at once since start")
    public int peak() {
        return work.peak();
    }
}
