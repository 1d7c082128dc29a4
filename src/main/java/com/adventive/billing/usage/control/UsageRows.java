package com.adventive.billing.usage.control;

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
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a batch of new usage records with JDBC batching on the transaction's own connection: one
 * round trip per batch instead of an insert and flush per record (JPA cannot batch inserts of
 * IDENTITY rows, it needs each id back). The rows are the same the entity maps; reads stay JPA.
 */
@ApplicationScoped
class UsageRows {

    private static final int IN_CHUNK = 500;

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    /** Inserts the records in the caller's transaction; returns each one's id by its meter identifier. */
    @Transactional(Transactional.TxType.MANDATORY)
    Map<String, Long> insert(List<UsageRecord> records) {
        if (records.isEmpty()) {
            return Map.of();
        }
        Connection connection = em.unwrap(Connection.class);
        try {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO usage_record (acct_id, usage_period, "
                    + "metric, source_id, quantity, occurred_at, stripe_customer_id, event_name, meter_identifier, "
                    + "meter_timestamp, state, recorded_at, recorded_by, send_attempts, entry_kind) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)")) {
                for (UsageRecord r : records) {
                    insert.setString(1, r.acctId());
                    insert.setString(2, r.period());
                    insert.setString(3, r.metric());
                    insert.setString(4, r.sourceId());
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
                    insert.setString(11, r.state());
                    insert.setTimestamp(12, Timestamp.valueOf(r.recordedAt()));
                    insert.setString(13, r.recordedBy());
                    insert.setString(14, r.entryKind());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            Map<String, Long> ids = new HashMap<>();
            for (int from = 0; from < records.size(); from += IN_CHUNK) {
                List<UsageRecord> chunk = records.subList(from, Math.min(records.size(), from + IN_CHUNK));
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
        } catch (SQLException e) {
            throw new PersistenceException("could not store " + records.size() + " usage records", e);
        }
    }
}
