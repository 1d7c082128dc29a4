package com.adventive.billing.usage.control;

import com.adventive.billing.platform.control.MigratedDerby;
import com.adventive.billing.usage.entity.UsageKey;
import com.adventive.billing.usage.entity.UsageRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The usage batch writer on the embedded Derby default, on the schema the migrations build (the
 * integration tests and the benchmark run it on PostgreSQL): every record of a batch of 1,000 is
 * stored as recorded with its own id read back by its meter identifier, keys already stored are
 * found with their id and quantity (what duplicate and conflict are judged on), and a key already in the
 * ledger fails the whole batch as a unique-key violation, which is what the ingest's race retry
 * ({@link UsageLedger#isKeyRace}) recognises.
 */
class UsageRowsDerbyTest {

    static {
        // Derby writes derby.log into the working directory unless told otherwise: keep the clone clean
        System.setProperty("derby.stream.error.file", "target/derby.log");
    }

    private Connection connection;

    @BeforeEach
    void migratedDatabase() throws SQLException {
        String url = MigratedDerby.create("usage-rows");
        connection = DriverManager.getConnection(url);
        connection.setAutoCommit(false);
    }

    @AfterEach
    void close() throws SQLException {
        connection.rollback();
        connection.close();
    }

    @Test
    void aBatchOfAThousandIsStoredWithEachIdReadBackByItsIdentifier() throws SQLException {
        List<UsageRows.NewRecord> records = records("a", 1_000);
        Map<String, Long> ids = UsageRows.insert(connection, records);
        connection.commit();

        assertEquals(1_000, ids.size());
        assertEquals(1_000, new HashSet<>(ids.values()).size(), "each record has its own id");
        try (PreparedStatement select = connection.prepareStatement("SELECT id, source_id, quantity, state, "
                + "entry_kind, send_attempts FROM usage_record WHERE meter_identifier = ?")) {
            for (UsageRows.NewRecord r : List.of(records.get(0), records.get(517), records.get(999))) {
                select.setString(1, r.meterIdentifier());
                try (ResultSet row = select.executeQuery()) {
                    assertTrue(row.next(), r.key().sourceId());
                    assertEquals(ids.get(r.meterIdentifier()), row.getLong(1));
                    assertEquals(r.key().sourceId(), row.getString(2));
                    assertEquals(r.quantity(), row.getLong(3));
                    assertEquals(UsageRecord.RECORDED, row.getString(4));
                    assertEquals(UsageRecord.KIND_RECORD, row.getString(5));
                    assertEquals(0, row.getInt(6));
                }
            }
        }
    }

    @Test
    void storedKeysAreFoundWithTheirIdAndQuantityAndOthersAreNot() throws SQLException {
        List<UsageRows.NewRecord> records = records("d", 700);
        Map<String, Long> ids = UsageRows.insert(connection, records);
        connection.commit();

        List<String> asked = new ArrayList<>();
        records.forEach(r -> asked.add(r.meterIdentifier()));
        asked.add(new UsageKey("acct_rows0", "2026-11", "impressions", "never-sent").meterIdentifier());
        Map<String, UsageRows.Stored> stored = UsageRows.stored(connection, asked);
        assertEquals(700, stored.size(), "across both chunks of the IN lists, the unknown key not among them");
        UsageRows.NewRecord r = records.get(650);
        assertEquals(new UsageRows.Stored(ids.get(r.meterIdentifier()), r.quantity()), stored.get(r.meterIdentifier()));
    }

    @Test
    void newRecordsWaitUnqueuedAndAreClaimedOldestFirstEachOnce() throws SQLException {
        Map<String, Long> ids = UsageRows.insert(connection, records("q", 5));
        connection.commit();
        List<Long> inOrder = ids.values().stream().sorted().toList();
        LocalDateTime now = LocalDateTime.of(2026, 11, 26, 2, 0);

        assertEquals(inOrder.subList(0, 2), UsageRows.claimUnqueued(connection, 2, now), "the two oldest");
        assertEquals(inOrder.subList(2, 5), UsageRows.claimUnqueued(connection, 10, now), "the rest, not the claimed again");
        assertEquals(List.of(), UsageRows.claimUnqueued(connection, 10, now), "nothing left to queue");
        connection.commit();
        try (ResultSet unqueued = connection.createStatement().executeQuery(
                "SELECT COUNT(*) FROM usage_record WHERE report_queued_at IS NULL")) {
            unqueued.next();
            assertEquals(0, unqueued.getLong(1));
        }
    }

    @Test
    void onlyKeysNotStoredYetAreInsertedAndTheOthersAreNamed() throws SQLException {
        List<UsageRows.NewRecord> first = records("n", 3);
        UsageRows.insertNew(connection, first);
        connection.commit();

        List<UsageRows.NewRecord> mixed = new ArrayList<>(records("m", 2));
        mixed.add(first.get(1));
        UsageRows.Written written = UsageRows.insertNew(connection, mixed);
        connection.commit();
        assertEquals(2, written.ids().size(), "the two new keys");
        assertEquals(List.of(first.get(1).meterIdentifier()), written.alreadyStored());
        try (ResultSet count = connection.createStatement().executeQuery("SELECT COUNT(*) FROM usage_record")) {
            count.next();
            assertEquals(5, count.getLong(1));
        }
    }

    @Test
    void aKeyAlreadyStoredFailsTheBatchAsAKeyRace() throws SQLException {
        UsageRows.insert(connection, records("b", 3));
        connection.commit();

        List<UsageRows.NewRecord> again = new ArrayList<>(records("c", 2));
        again.add(records("b", 3).get(1));
        SQLException race = assertThrows(SQLException.class, () -> UsageRows.insert(connection, again));
        assertTrue(UsageLedger.isKeyRace(race), "unique-key violation: " + race.getSQLState());
        connection.rollback();
        try (ResultSet count = connection.createStatement().executeQuery("SELECT COUNT(*) FROM usage_record")) {
            count.next();
            assertEquals(3, count.getLong(1), "nothing of the failed batch is stored");
        }
    }

    private static List<UsageRows.NewRecord> records(String prefix, int count) {
        LocalDateTime now = LocalDateTime.of(2026, 11, 25, 12, 0);
        List<UsageRows.NewRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            UsageKey key = new UsageKey("acct_rows" + (i % 7), "2026-11", "impressions", prefix + "-" + i);
            records.add(new UsageRows.NewRecord(key, key.meterIdentifier(), i + 1L, i % 2 == 0 ? null : now,
                    "cus_rows" + (i % 7), "impressions", 1_764_000_000L + i, "bench", now));
        }
        return records;
    }
}
