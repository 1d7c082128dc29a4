package com.adventive.billing.invoice.control;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.metrics.annotation.Gauge;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Counts PDF renders in flight and the highest count seen, published as metrics. The cap itself
 * is the MDB activation spec's; this is how operators and tests see that it holds.
 */
@ApplicationScoped
public class RenderGauge {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();

    public <T> T measure(Supplier<T> render) {
        int now = inFlight.incrementAndGet();
        peak.accumulateAndGet(now, Math::max);
        try {
            return render.get();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Gauge(name = "renders_in_flight", unit = "none", absolute = true,
            description = "PDF renders running right now")
    public int inFlight() {
        return inFlight.get();
    }

    @Gauge(name = "renders_in_flight_peak", unit = "none", absolute = true,
            description = "Most PDF renders ever seen running at once since start")
    public int peak() {
        return peak.get();
    }
}
