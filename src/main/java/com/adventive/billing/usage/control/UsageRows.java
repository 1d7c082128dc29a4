package com.adventive.billing.usage.control;

import com.adventive.billing.usage.entity.UsageKey;
import com.adventive.billing.usage.entity.UsageRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a batch of new usage records with JDBC batching on the transaction's own connection: one
 * round trip per batch instead of an insert and flush per record (JPA cannot batch inserts of
 * IDENTITY rows, it needs each id back). The rows are the same the entity maps; reads stay JPA.
 * On PostgreSQL the driver sends the batch as a few multi-row INSERTs ({@code reWriteBatchedInserts}
 * in liberty/db/postgresql.xml); the ids are then read back by the unique meter identifier, which
 * works the same on Derby.
 */
@ApplicationScoped
class UsageRows {

    private static final int IN_CHUNK = 500;

    static final String INSERT = "INSERT INTO usage_record (acct_id, usage_period, metric, source_id, quantity, "
            + "occurred_at, stripe_customer_id, event_name, meter_identifier, meter_timestamp, state, recorded_at, "
            + "recorded_by, send_attempts, entry_kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '" + UsageRecord.RECORDED
            + "', ?, ?, 0, '" + UsageRecord.KIND_RECORD + "')"; // constants inline: 12 parameters a row, not 14

    /** A measured record not yet in the ledger, as {@link UsageLedger#ingest} accepted it. */
    record NewRecord(UsageKey key, String meterIdentifier, long quantity, LocalDateTime occurredAt,
                     String stripeCustomerId, String eventName, long meterTimestamp, String recordedBy,
                     LocalDateTime recordedAt) {
    }

    /** What the ledger holds under a key: all a duplicate or conflict needs (id null: not stored yet). */
    record Stored(Long id, long quantity) {
    }

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    /** Inserts the records in the caller's transaction; returns each one's id by its meter identifier. */
    @Transactional(Transactional.TxType.MANDATORY)
    Map<String, Long> insert(List<NewRecord> records) {
        if (records.isEmpty()) {
            return Map.of();
        }
        try {
            return insert(em.unwrap(Connection.class), records);
        } catch (SQLException e) {
            throw new PersistenceException("could not store " + records.size() + " usage records", e);
        }
    }

    /**
     * Id and quantity of each of these (distinct) meter identifiers already in the ledger. Plain
     * JDBC: loading whole entities for 1,000 identifiers to read two fields was costly, and a JPA
     * native query with 500 numbered parameters cost more still (EclipseLink's translation of the
     * numbered parameters grows with the square of their count: 59 ms of a batch's CPU, measured).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    Map<String, Stored> stored(List<String> identifiers) {
        try {
            return stored(em.unwrap(Connection.class), identifiers);
        } catch (SQLException e) {
            throw new PersistenceException("could not look up " + identifiers.size() + " usage keys", e);
        }
    }

    static Map<String, Stored> stored(Connection connection, List<String> identifiers) throws SQLException {
        Map<String, Stored> found = new HashMap<>();
        for (int from = 0; from < identifiers.size(); from += IN_CHUNK) {
            List<String> chunk = identifiers.subList(from, Math.min(identifiers.size(), from + IN_CHUNK));
            String marks = String.join(", ", Collections.nCopies(chunk.size(), "?"));
            try (PreparedStatement select = connection.prepareStatement("SELECT meter_identifier, id, quantity "
                    + "FROM usage_record WHERE meter_identifier IN (" + marks + ")")) {
                for (int i = 0; i < chunk.size(); i++) {
                    select.setString(i + 1, chunk.get(i));
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        found.put(rows.getString(1), new Stored(rows.getLong(2), rows.getLong(3)));
                    }
                }
            }
        }
        return found;
    }

    /** The same on a plain connection (and its transaction): what the Derby test drives. */
    static Map<String, Long> insert(Connection connection, List<NewRecord> records) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (NewRecord r : records) {
                insert.setString(1, r.key().acctId());
                insert.setString(2, r.key().period());
                insert.setString(3, r.key().metric());
                insert.setString(4, r.key().sourceId());
                insert.setLong(5, r.quantity());
                if (r.occurredAt() == null) {
                    insert.setNull(6, Types.TIMESTAMP);
                } else {
                    insert.setTimestamp(6, Timestamp.valueOf(r.occurredAt()));
                }
                insert.setString(7, r.stripeCustomerId());
                insert.setString(8, r.eventName());
                insert.setString(9, r.meterIdentifier());
                insert.setLong(10, r.meterTimestamp());
                insert.setTimestamp(11, Timestamp.valueOf(r.recordedAt()));
                insert.setString(12, r.recordedBy());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        Map<String, Long> ids = new HashMap<>();
        for (int from = 0; from < records.size(); from += IN_CHUNK) {
            List<NewRecord> chunk = records.subList(from, Math.min(records.size(), from + IN_CHUNK));
            String marks = String.join(", ", Collections.nCopies(chunk.size(), "?"));
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, meter_identifier FROM usage_record WHERE meter_identifier IN (" + marks + ")")) {
                for (int i = 0; i < chunk.size(); i++) {
                    select.setString(i + 1, chunk.get(i).meterIdentifier());
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ids.put(rows.getString(2), rows.getLong(1));
                    }
                }
            }
        }
        return ids;
    }
}
