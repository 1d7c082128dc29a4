package com.adventive.billing.platform.control;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchemaStateTest {

    @Test
    void notReadyUntilMigratedWithAReasonThatNamesNoInfrastructure() {
        SchemaState schema = new SchemaState();
        assertFalse(schema.migrated());
        assertTrue(schema.notReadyReason().isPresent());

        schema.recordFailure(SchemaState.Failure.DATABASE_UNREACHABLE, 3, Duration.ofSeconds(4));
        assertFalse(schema.migrated());
        assertEquals(Optional.of("schema not migrated: database unreachable (attempt 3 failed, next in 4 s)"),
                schema.notReadyReason());

        schema.recordMigrated();
        assertTrue(schema.migrated());
        assertEquals(Optional.empty(), schema.notReadyReason());
    }
}
