package com.adventive.billing.platform.boundary;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Migration retries while the database is down: quick at first, then a steady cheap interval. */
class DatabaseMigrationBackoffTest {

    @Test
    void doublesFromOneSecondAndStaysAtTheCap() {
        assertEquals(Duration.ofSeconds(1), DatabaseMigration.delayAfter(1));
        assertEquals(Duration.ofSeconds(2), DatabaseMigration.delayAfter(2));
        assertEquals(Duration.ofSeconds(4), DatabaseMigration.delayAfter(3));
        assertEquals(Duration.ofSeconds(8), DatabaseMigration.delayAfter(4));
        assertEquals(DatabaseMigration.MAX_DELAY, DatabaseMigration.delayAfter(5));
        IntStream.of(6, 11, 64, 10_000, Integer.MAX_VALUE).forEach(attempt ->
                assertEquals(DatabaseMigration.MAX_DELAY, DatabaseMigration.delayAfter(attempt), "attempt " + attempt));
    }
}
