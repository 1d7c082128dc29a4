package com.adventive.billing.webhook.boundary;

import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.webhook.control.InFlightBodies;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How every webhook takes its body: declared too large, it is refused before anything is read; it
 * is read only within the in-flight budget the webhooks share (503 intake_busy when a flood has
 * spent it), and never past the webhook's own limit (400 when unreadable, 413 when longer).
 */
final class WebhookBody {

    private static final int BUSY_RETRY_AFTER_SECONDS = 5;

    private WebhookBody() {
    }

    /** The answer {@code handle} gives to the body, the budget held until it has answered. */
    static Response take(InFlightBodies bodies, Long contentLength, InputStream body, int maxBytes,
                         Supplier<BillingProblem> tooLarge, Function<byte[], Response> handle) {
        if (contentLength != null && contentLength > maxBytes) {
            throw tooLarge.get();
        }
        Optional<InFlightBodies.Reservation> room = bodies.reserve(contentLength);
        if (room.isEmpty()) {
            throw BillingProblem.unavailable("intake_busy",
                    "too many webhook bodies are being received at once; retry shortly", BUSY_RETRY_AFTER_SECONDS);
        }
        try (InFlightBodies.Reservation held = room.get()) {
            return handle.apply(read(body, maxBytes, tooLarge));
        }
    }

    private static byte[] read(InputStream body, int maxBytes, Supplier<BillingProblem> tooLarge) {
        byte[] raw;
        try {
            raw = body.readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw new BillingProblem(400, "body_unreadable", "request body could not be read");
        }
        if (raw.length > maxBytes) {
            throw tooLarge.get();
        }
        return raw;
    }
}
