package com.adventive.billing.invoice.control;

import com.adventive.billing.platform.control.PeakCounter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.metrics.annotation.Gauge;

import java.util.function.Supplier;

/** PDF renders in flight and the most seen at once, published as metrics. */
@ApplicationScoped
public class RenderGauge {

    private final PeakCounter renders = new PeakCounter();

    public <T> T measure(Supplier<T> render) {
        return renders.measure(render);
    }

    @Gauge(name = "renders_in_flight", unit = "none", absolute = true,
            description = "PDF renders running right now")
    public int inFlight() {
        return renders.inFlight();
    }

    @Gauge(name = "renders_in_flight_peak", unit = "none", absolute = true,
            description = "Most PDF renders ever seen running at once since start")
    public int peak() {
        return renders.peak();
    }
}
