package com.adventive.billing.webhook.control;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InFlightBodiesTest {

    private static final int MIB = InFlightBodies.MAX_BODY_BYTES;

    @Test
    void theBudgetIsNeverExceededAndRoomComesBackWhenARequestIsAnswered() {
        InFlightBodies bodies = new InFlightBodies(3 * MIB, Duration.ZERO);
        List<InFlightBodies.Reservation> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(bodies.reserve((long) MIB).orElseThrow());
        }
        assertTrue(bodies.reserve((long) MIB).isEmpty(), "a fourth 1 MiB body does not fit");
        assertTrue(bodies.reserve(10L).isEmpty(), "nor does a small one");
        assertEquals(3 * MIB, bodies.bytesInFlight());

        held.remove(0).close();
        Optional<InFlightBodies.Reservation> next = bodies.reserve((long) MIB);
        assertTrue(next.isPresent(), "the room of an answered request is free again");
        next.get().close();
        held.forEach(InFlightBodies.Reservation::close);
        assertEquals(0, bodies.bytesInFlight());
        assertEquals(3 * MIB, bodies.peakBytesInFlight());
    }

    @Test
    void aBodyOfUnknownLengthReservesTheLargestAllowedAndSmallOnesOnlyWhatTheyDeclare() {
        InFlightBodies bodies = new InFlightBodies(2 * MIB, Duration.ZERO);
        try (var chunked = bodies.reserve(null).orElseThrow(); var small = bodies.reserve(4_000L).orElseThrow()) {
            assertEquals(MIB, chunked.bytes());
            assertEquals(4_000, small.bytes());
            assertEquals(MIB + 4_000, bodies.bytesInFlight());
        }
        assertEquals(0, bodies.bytesInFlight());
    }

    @Test
    void closingTwiceGivesTheRoomBackOnce() {
        InFlightBodies bodies = new InFlightBodies(MIB, Duration.ZERO);
        var reservation = bodies.reserve((long) MIB).orElseThrow();
        reservation.close();
        reservation.close();
        assertEquals(0, bodies.bytesInFlight());
        var again = bodies.reserve((long) MIB).orElseThrow();
        assertTrue(bodies.reserve(1L).isEmpty(), "a double close must not have made room for more than the budget");
        again.close();
    }
}
