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
     * Many items of one kind at once, in the caller's transaction, left not enqueued for a paced
     * waker of the caller's own to wake (usage reports, queued at their pace), with JDBC batching;
     * the new ids are not read back, as such a caller never needs them. A subject that already has
     * work of this kind fails the batch.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void submitAllUnwoken(String kind, java.util.List<String> subjects) {
        if (subjects.isEmpty()) {
            return;
        }
        try {
            insertAll(em.unwrap(java.sql.Connection.class), kind, subjects);
        } catch (java.sql.SQLException e) {
            throw failure(kind, subjects, e);
        }
    }

    /** One JDBC batch (a few multi-row INSERTs on PostgreSQL, reWriteBatchedInserts) of new pending, unwoken items. */
    private static void insertAll(java.sql.Connection connection, String kind, java.util.List<String> subjects)
            throws java.sql.SQLException {
        java.sql.Timestamp now = java.sql.Timestamp.valueOf(Clock.nowUtc());
        try (var insert = connection.prepareStatement("INSERT INTO work_item (kind, subject, state, attempts, "
                + "next_attempt_at, enqueued_at, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?, ?, ?)")) {
            for (String subject : subjects) {
                insert.setString(1, kind);
                insert.setString(2, subject);
                insert.setString(3, com.adventive.billing.work.entity.WorkState.PENDING.dbValue());
                insert.setTimestamp(4, now);
                insert.setNull(5, java.sql.Types.TIMESTAMP); // not enqueued: the caller's waker wakes it
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
