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

    /** What {@link #insertNew} did: the id of each record inserted, by meter identifier, and those already stored. */
    record Written(Map<String, Long> ids, List<String> alreadyStored) {
    }

    private volatile Boolean postgres;

    /**
     * Inserts those of the records whose key is not in the ledger yet, in the caller's transaction and
     * in the given order. On PostgreSQL one statement does it all: the batch goes in as ten arrays
     * ({@code unnest}), a key already stored is skipped ({@code ON CONFLICT DO NOTHING}, which waits
     * for a concurrent batch holding the same key to commit instead of failing), and the new rows' ids
     * come back ({@code RETURNING}). Elsewhere (Derby) the stored keys are looked up first, the rest
     * inserted as a JDBC batch and their ids read back; a concurrent batch that stored one of them
     * first fails this one on the unique key ({@link UsageLedger#isKeyRace}).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    Written insertNew(List<NewRecord> records) {
        if (records.isEmpty()) {
            return new Written(Map.of(), List.of());
        }
        Connection connection = em.unwrap(Connection.class);
        try {
            return isPostgres(connection) ? insertNewOnPostgres(connection, records) : insertNew(connection, records);
        } catch (SQLException e) {
            throw new PersistenceException("could not store " + records.size() + " usage records", e);
        }
    }

    private boolean isPostgres(Connection connection) throws SQLException {
        Boolean known = postgres;
        if (known == null) {
            known = connection.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
            postgres = known;
        }
        return known;
    }

    static final String INSERT_UNNESTED = "INSERT INTO usage_record (acct_id, usage_period, metric, source_id, "
            + "quantity, occurred_at, stripe_customer_id, event_name, meter_identifier, meter_timestamp, state, "
            + "recorded_at, recorded_by, send_attempts, entry_kind) "
            + "SELECT a, p, m, s, q, o, c, e, i, t, '" + UsageRecord.RECORDED + "', ?, ?, 0, '" + UsageRecord.KIND_RECORD
            + "' FROM unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::bigint[], ?::timestamp[], "
            + "?::varchar[], ?::varchar[], ?::varchar[], ?::bigint[]) WITH ORDINALITY AS n(a, p, m, s, q, o, c, e, i, t, k) "
            + "ORDER BY k ON CONFLICT DO NOTHING RETURNING id, meter_identifier";

    private static Written insertNewOnPostgres(Connection connection, List<NewRecord> records) throws SQLException {
        int n = records.size();
        String[] acct = new String[n];
        String[] period = new String[n];
        String[] metric = new String[n];
        String[] source = new String[n];
        Long[] quantity = new Long[n];
        Timestamp[] occurred = new Timestamp[n];
        String[] customer = new String[n];
        String[] eventName = new String[n];
        String[] identifier = new String[n];
        Long[] meterTimestamp = new Long[n];
        for (int k = 0; k < n; k++) {
            NewRecord r = records.get(k);
            acct[k] = r.key().acctId();
            period[k] = r.key().period();
            metric[k] = r.key().metric();
            source[k] = r.key().sourceId();
            quantity[k] = r.quantity();
            occurred[k] = r.occurredAt() == null ? null : Timestamp.valueOf(r.occurredAt());
            customer[k] = r.stripeCustomerId();
            eventName[k] = r.eventName();
            identifier[k] = r.meterIdentifier();
            meterTimestamp[k] = r.meterTimestamp();
        }
        Map<String, Long> ids = new HashMap<>(n * 2);
        try (PreparedStatement insert = connection.prepareStatement(INSERT_UNNESTED)) {
            // every record of one batch has the same stamp and recorder
            insert.setTimestamp(1, Timestamp.valueOf(records.get(0).recordedAt()));
            insert.setString(2, records.get(0).recordedBy());
            insert.setArray(3, connection.createArrayOf("varchar", acct));
            insert.setArray(4, connection.createArrayOf("varchar", period));
            insert.setArray(5, connection.createArrayOf("varchar", metric));
            insert.setArray(6, connection.createArrayOf("varchar", source));
            insert.setArray(7, connection.createArrayOf("int8", quantity));
            insert.setArray(8, connection.createArrayOf("timestamp", occurred));
            insert.setArray(9, connection.createArrayOf("varchar", customer));
            insert.setArray(10, connection.createArrayOf("varchar", eventName));
            insert.setArray(11, connection.createArrayOf("varchar", identifier));
            insert.setArray(12, connection.createArrayOf("int8", meterTimestamp));
            try (ResultSet inserted = insert.executeQuery()) {
                while (inserted.next()) {
                    ids.put(inserted.getString(2), inserted.getLong(1));
                }
            }
        }
        List<String> alreadyStored = new java.util.ArrayList<>(n - ids.size());
        for (String i : identifier) {
            if (!ids.containsKey(i)) {
                alreadyStored.add(i);
            }
        }
        return new Written(ids, alreadyStored);
    }

    /** The portable way, on a plain connection (and its transaction): what Derby runs, and its test drives. */
    static Written insertNew(Connection connection, List<NewRecord> records) throws SQLException {
        Map<String, Stored> stored = stored(connection, records.stream().map(NewRecord::meterIdentifier).toList());
        List<NewRecord> fresh = records.stream().filter(r -> !stored.containsKey(r.meterIdentifier())).toList();
        Map<String, Long> ids = fresh.isEmpty() ? Map.of() : insert(connection, fresh);
        return new Written(ids, List.copyOf(stored.keySet()));
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

    /**
     * Marks up to {@code limit} of the oldest records whose report work was not created yet as queued
     * now, in the caller's transaction; returns the ids it marked. Each mark is conditional, so a
     * record another instance marked first (it waited for that one's commit) is left out.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    List<Long> claimUnqueued(int limit, LocalDateTime now) {
        try {
            return claimUnqueued(em.unwrap(Connection.class), limit, now);
        } catch (SQLException e) {
            throw new PersistenceException("could not queue the report work of " + limit + " usage records", e);
        }
    }

    static List<Long> claimUnqueued(Connection connection, int limit, LocalDateTime now) throws SQLException {
        List<Long> oldest = new java.util.ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT id FROM usage_record "
                + "WHERE report_queued_at IS NULL ORDER BY id FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY")) {
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    oldest.add(rows.getLong(1));
                }
            }
        }
        if (oldest.isEmpty()) {
            return List.of();
        }
        int[] marked;
        try (PreparedStatement mark = connection.prepareStatement(
                "UPDATE usage_record SET report_queued_at = ? WHERE id = ? AND report_queued_at IS NULL")) {
            Timestamp stamp = Timestamp.valueOf(now);
            for (Long id : oldest) {
                mark.setTimestamp(1, stamp);
                mark.setLong(2, id);
                mark.addBatch();
            }
            marked = mark.executeBatch();
        }
        List<Long> claimed = new java.util.ArrayList<>(oldest.size());
        for (int i = 0; i < oldest.size(); i++) {
            if (marked[i] > 0) {
                claimed.add(oldest.get(i));
            }
        }
        return claimed;
    }

    /** Inserts every one of the records as a JDBC batch and reads their ids back by their identifiers. */
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
