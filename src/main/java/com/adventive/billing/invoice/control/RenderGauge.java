package com.adventive.billing.invoice.control;

import com.adventive.billing.platform.control.PeakCounter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.annotation.Gauge;

import java.util.function.Supplier;

/**
 * PDF renders in flight and the most seen at once, published as metrics. Every render runs under a
 * {@link RenderPermits} permit and is counted only once it holds one, so the peak shows the cap holding
 * for queue work and operators' renders together. {@link #measure} takes the permit for the render
 * alone: the caller's bucket and SMTP steps before and after it run without one.
 */
@ApplicationScoped
public class RenderGauge {

    private final PeakCounter renders = new PeakCounter();

    @Inject
    RenderPermits permits;

    public <T> T measure(Supplier<T> render) {
        return permits.render(() -> renders.measure(render));
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
