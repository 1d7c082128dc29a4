package com.adventive.billing.webhook.control;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.metrics.annotation.Gauge;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A budget of webhook body bytes held in memory at once, across all requests. Without it, dozens of
 * concurrent 1 MiB posts (signed or not: the signature can only be checked once the body is read)
 * each buffer their body, decode it and copy it for the HMAC, and the heap runs out. A request
 * reserves room for its body before reading it and keeps it until it is answered; when the budget
 * is spent it is refused (503, Stripe retries) instead of waiting on an HTTP thread.
 */
@ApplicationScoped
public class InFlightBodies {

    /** The largest body the webhook accepts; Stripe's events are a few KiB. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    /**
     * Eight bodies of the maximum size at once, or hundreds of real events. Each costs a few times
     * its size while verified and parsed (bytes, string, signed payload), so this bounds webhook
     * intake to some tens of MiB of heap.
     */
    static final int CAPACITY_BYTES = 8 * MAX_BODY_BYTES;
    /** A burst may wait this long for room; longer would only tie up HTTP threads. */
    static final Duration MAX_WAIT = Duration.ofMillis(500);

    private final int capacity;
    private final Duration maxWait;
    private final Semaphore room;
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();

    public InFlightBodies() {
        this(CAPACITY_BYTES, MAX_WAIT);
    }

    InFlightBodies(int capacityBytes, Duration maxWait) {
        this.capacity = capacityBytes;
        this.maxWait = maxWait;
        this.room = new Semaphore(capacityBytes);
    }

    /**
     * Room for a body of {@code declaredLength} bytes ({@code null} when the request did not say, as
     * with chunked bodies: room for the largest allowed body is taken). Empty when the budget is spent.
     */
    public Optional<Reservation> reserve(Long declaredLength) {
        int bytes = declaredLength == null || declaredLength < 0 || declaredLength > MAX_BODY_BYTES
                ? MAX_BODY_BYTES : (int) Math.max(declaredLength, 1);
        bytes = Math.min(bytes, capacity);
        try {
            if (!room.tryAcquire(bytes, maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                return Optional.empty();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        peak.accumulateAndGet(held.addAndGet(bytes), Math::max);
        return Optional.of(new Reservation(bytes));
    }

    @Gauge(name = "webhook_body_bytes_in_flight", unit = "none", absolute = true,
            description = "Webhook body bytes reserved by requests being read, verified or stored right now")
    public int bytesInFlight() {
        return held.get();
    }

    @Gauge(name = "webhook_body_bytes_in_flight_peak", unit = "none", absolute = true,
            description = "Most webhook body bytes ever reserved at once since start (never above the budget)")
    public int peakBytesInFlight() {
        return peak.get();
    }

    public int capacityBytes() {
        return capacity;
    }

    /** Room held for one body; closing it (once) gives the room back. */
    public final class Reservation implements AutoCloseable {
        private final int bytes;
        private final AtomicBoolean released = new AtomicBoolean();

        private Reservation(int bytes) {
            this.bytes = bytes;
        }

        public int bytes() {
            return bytes;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                held.addAndGet(-bytes);
                room.release(bytes);
            }
        }
    }
}
