package com.adventive.billing.health;

import com.adventive.billing.platform.control.CachedCheck.State;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSRuntimeException;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What gates readiness (database, queue) and what is only reported (bucket, SMTP, Stripe). */
class ReadinessCheckTest {

    private static final Optional<Map<String, Long>> DB_UP = Optional.of(Map.of("pending", 3L, "failed", 1L));

    private static ReadinessCheck.Readings readings(Optional<Map<String, Long>> work, boolean queue, State bucket, State smtp) {
        return new ReadinessCheck.Readings(work, queue, bucket, smtp, "smtp", false);
    }

    @Test
    void readyExactlyWhenTheDatabaseAndTheQueueAnswer() {
        assertTrue(readings(DB_UP, true, State.UP, State.UP).ready());
        assertFalse(readings(Optional.empty(), true, State.UP, State.UP).ready(), "database down");
        assertFalse(readings(DB_UP, false, State.UP, State.UP).ready(), "queue down");
    }

    @Test
    void theBucketSmtpAndStripeAreReportedButNeverGate() {
        for (State bucket : State.values()) {
            for (State smtp : State.values()) {
                ReadinessCheck.Readings r = readings(DB_UP, true, bucket, smtp);
                assertTrue(r.ready(), "bucket " + bucket + ", smtp " + smtp);
                assertEquals(bucket.label(), r.data().get("bucket"));
                assertEquals(smtp.label(), r.data().get("smtp"));
                assertEquals(false, r.data().get("stripe_connected"));
            }
        }
    }

    @Test
    void workCountsAreExactAndZeroForStatesWithNoItems() {
        Map<String, Object> data = readings(DB_UP, true, State.UP, State.UP).data();
        assertEquals(3L, data.get("pending_work"));
        assertEquals(0L, data.get("running_work"));
        assertEquals(1L, data.get("failed_work"));
        assertEquals("up", data.get("database"));
        Map<String, Object> down = readings(Optional.empty(), false, State.DOWN, State.DOWN).data();
        assertEquals("down", down.get("database"));
        assertEquals("down", down.get("queue"));
        assertFalse(down.containsKey("pending_work"), "no counts without a database");
    }

    @Test
    void aDatabaseThatRefusesConnectionsAndAQueueThatCannotBeOpenedAreDown() {
        ReadinessCheck check = new ReadinessCheck();
        check.dataSource = failing(DataSource.class, new SQLException("FATAL: database \"billing\" is not currently accepting connections"));
        check.renderConnections = failing(ConnectionFactory.class, new JMSRuntimeException("messaging engine stopped"));
        assertEquals(Optional.empty(), check.workCounts());
        assertFalse(check.queueAnswers());
    }

    @SuppressWarnings("unchecked")
    private static <T> T failing(Class<T> type, Exception failure) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (proxy, method, args) -> {
            throw failure;
        });
    }
}
