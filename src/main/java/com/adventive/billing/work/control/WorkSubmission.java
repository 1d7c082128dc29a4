package com.adventive.billing.work.control;

import com.adventive.billing.platform.control.Clock;
import com.adventive.billing.work.entity.WorkItem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

/**
 * Creates work in the caller's transaction, so the work exists exactly when what it is about does
 * (the stored event, the ledger record). The caller wakes a worker after its commit; if that wake
 * is lost, the sweeper finds the item.
 */
@ApplicationScoped
public class WorkSubmission {

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    /** Work that comes from a stored Stripe event: its subject is the event. */
    @Transactional(Transactional.TxType.MANDATORY)
    public long forStripeEvent(String kind, String eventId) {
        return persist(new WorkItem(kind, eventId, eventId, Clock.nowUtc()));
    }

    /** Work about something else the worker records (a usage ledger record, a reconciliation run, ...). */
    @Transactional(Transactional.TxType.MANDATORY)
    public long submit(String kind, String subject) {
        return persist(new WorkItem(kind, subject, null, Clock.nowUtc()));
    }

    private long persist(WorkItem item) {
        em.persist(item);
        // flush so a duplicate (kind, subject) fails here, inside the caller's method, not at its commit
        em.flush();
        return item.id();
    }

    /**
     * Many items of one kind at once, in the caller's transaction, with JDBC batching (one round
     * trip per few hundred rows instead of one insert and flush each): for ingest paths that
     * create work per stored row, such as a batch of usage records. Returns the new items' ids in
     * the order of {@code subjects}; a subject that already has work of this kind fails the batch.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public java.util.List<Long> submitAll(String kind, java.util.List<String> subjects) {
        return submitAll(kind, subjects, true);
    }

    /**
     * As {@link #submitAll(String, java.util.List)}; with {@code wokenByCaller} false the items are
     * left not enqueued, for a paced waker of the caller's own (or the sweeper) to wake them.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public java.util.List<Long> submitAll(String kind, java.util.List<String> subjects, boolean wokenByCaller) {
        if (subjects.isEmpty()) {
            return java.util.List.of();
        }
        java.sql.Connection connection = em.unwrap(java.sql.Connection.class);
        try {
            insertAll(connection, kind, subjects, wokenByCaller);
            java.util.Map<String, Long> ids = new java.util.HashMap<>();
            for (int from = 0; from < subjects.size(); from += 500) {
                java.util.List<String> chunk = subjects.subList(from, Math.min(subjects.size(), from + 500));
                String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
                try (var select = connection.prepareStatement(
                        "SELECT id, subject FROM work_item WHERE kind = ? AND subject IN (" + marks + ")")) {
                    select.setString(1, kind);
                    for (int i = 0; i < chunk.size(); i++) {
                        select.setString(i + 2, chunk.get(i));
                    }
                    try (var rows = select.executeQuery()) {
                        while (rows.next()) {
                            ids.put(rows.getString(2), rows.getLong(1));
                        }
                    }
                }
            }
            return subjects.stream().map(ids::get).toList();
        } catch (java.sql.SQLException e) {
            throw failure(kind, subjects, e);
        }
    }

    /**
     * Many items of one kind at once, in the caller's transaction, left not enqueued for a paced
     * waker of the caller's own (or the sweeper) to wake: as {@code submitAll(kind, subjects, false)}
     * without reading the new ids back, which such a caller never needs (a usage batch saves a
     * query of 1,000 keys). A subject that already has work of this kind fails the batch.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void submitAllUnwoken(String kind, java.util.List<String> subjects) {
        if (subjects.isEmpty()) {
            return;
        }
        try {
            insertAll(em.unwrap(java.sql.Connection.class), kind, subjects, false);
        } catch (java.sql.SQLException e) {
            throw failure(kind, subjects, e);
        }
    }

    /** One JDBC batch (a few multi-row INSERTs on PostgreSQL, reWriteBatchedInserts) of new pending items. */
    private static void insertAll(java.sql.Connection connection, String kind, java.util.List<String> subjects,
                                  boolean wokenByCaller) throws java.sql.SQLException {
        java.sql.Timestamp now = java.sql.Timestamp.valueOf(Clock.nowUtc());
        try (var insert = connection.prepareStatement("INSERT INTO work_item (kind, subject, state, attempts, "
                + "next_attempt_at, enqueued_at, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?, ?, ?)")) {
            for (String subject : subjects) {
                insert.setString(1, kind);
                insert.setString(2, subject);
                insert.setString(3, com.adventive.billing.work.entity.WorkState.PENDING.dbValue());
                insert.setTimestamp(4, now);
                // woken by the caller right after commit (as a single submit), or left to be woken
                insert.setTimestamp(5, wokenByCaller ? now : null);
                insert.setTimestamp(6, now);
                insert.setTimestamp(7, now);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static jakarta.persistence.PersistenceException failure(String kind, java.util.List<String> subjects,
                                                                    java.sql.SQLException e) {
        return new jakarta.persistence.PersistenceException("could not submit " + subjects.size() + " " + kind
                + " work items", e);
    }
}
