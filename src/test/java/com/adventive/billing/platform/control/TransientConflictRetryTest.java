package com.adventive.billing.platform.control;

import jakarta.persistence.PersistenceException;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransactionRollbackException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransientConflictRetryTest {

    /** What Derby threw when two workers' first inserts met in its identity allocation. */
    private static PersistenceException derbyLockTimeout() {
        return new PersistenceException("Exception [EclipseLink-4002]",
                new SQLTransactionRollbackException("A lock could not be obtained within the time requested", "40XL1"));
    }

    @Test
    void aTransactionRolledBackByAConflictRunsAgainUntilItCommits() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        String result = TransientConflictRetry.retried(() -> {
            if (tries.incrementAndGet() < 3) {
                throw derbyLockTimeout();
            }
            return "committed";
        });
        assertEquals("committed", result);
        assertEquals(3, tries.get());
    }

    @Test
    void aDuplicateKeyIsAnAnswerNotAConflictAndIsNotRunAgain() {
        AtomicInteger tries = new AtomicInteger();
        PersistenceException duplicate = new PersistenceException("duplicate",
                new SQLIntegrityConstraintViolationException("duplicate key value violates unique constraint", "23505"));
        PersistenceException thrown = assertThrows(PersistenceException.class, () -> TransientConflictRetry.retried(() -> {
            tries.incrementAndGet();
            throw duplicate;
        }));
        assertSame(duplicate, thrown);
        assertEquals(1, tries.get(), "callers rely on a lost race surfacing at once");
    }

    @Test
    void aConflictThatKeepsHappeningSurfacesAfterTheLastTry() {
        AtomicInteger tries = new AtomicInteger();
        assertThrows(PersistenceException.class, () -> TransientConflictRetry.retried(() -> {
            tries.incrementAndGet();
            throw derbyLockTimeout();
        }));
        assertEquals(TransientConflictRetry.MAX_ATTEMPTS, tries.get());
    }

    @Test
    void callsMadeInsideARetriedCallAreNotRetriedAgainInside() throws Exception {
        AtomicInteger innerTries = new AtomicInteger();
        AtomicInteger outerTries = new AtomicInteger();
        assertThrows(PersistenceException.class, () -> TransientConflictRetry.retried(() -> {
            outerTries.incrementAndGet();
            return TransientConflictRetry.retried(() -> {
                innerTries.incrementAndGet();
                throw derbyLockTimeout();
            });
        }));
        assertEquals(TransientConflictRetry.MAX_ATTEMPTS, outerTries.get());
        assertEquals(TransientConflictRetry.MAX_ATTEMPTS, innerTries.get(), "one try inside per outer try, not five");
    }

    @Test
    void postgresDeadlocksAndSerializationFailuresAreConflictsToo() {
        assertTrue(TransientConflictRetry.isTransientConflict(new RuntimeException(new SQLException("deadlock detected", "40P01"))));
        assertTrue(TransientConflictRetry.isTransientConflict(new SQLException("could not serialize access", "40001")));
        assertFalse(TransientConflictRetry.isTransientConflict(new SQLException("connection refused", "08001")));
        assertFalse(TransientConflictRetry.isTransientConflict(new IllegalStateException("boom")));
    }
}
