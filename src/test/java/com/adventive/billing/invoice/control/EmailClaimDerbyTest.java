package com.adventive.billing.invoice.control;

import com.adventive.billing.platform.control.MigratedDerby;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The email claim on the embedded Derby default, at the isolation Liberty gives Derby connections
 * (REPEATABLE_READ, Derby's "RS"), on the schema the migrations build. A claim is a plain read, an
 * insert under the unique dedupe key, or a conditional update by primary key, each committed on its
 * own (EmailDeliveryRows): a claim never waits on another worker's open transaction for another
 * invoice, and two first attempts for the same email cannot both win. It also proves the
 * migrations, V3 included, run on Derby (the integration tests run on PostgreSQL).
 */
class EmailClaimDerbyTest {

    static {
        // Derby writes derby.log into the working directory unless told otherwise: keep the clone clean
        System.setProperty("derby.stream.error.file", "target/derby.log");
    }

    private String url;
    private Connection first;
    private Connection second;

    @BeforeEach
    void migratedDatabase() throws SQLException {
        url = MigratedDerby.create("claims");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            // waiting at all is the failure we look for: give up after 2 s instead of Derby's 60
            s.execute("CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY('derby.locks.waitTimeout', '2')");
            s.execute("CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY('derby.locks.deadlockTimeout', '1')");
        }
        first = worker();
        second = worker();
    }

    @AfterEach
    void close() throws SQLException {
        first.close();
        second.close();
    }

    @Test
    void firstAttemptsForDifferentInvoicesDoNotWaitOnEachOther() throws SQLException {
        assertEquals(0, countByKey(first, "invoice_new:in_A"));
        insertFirstAttempt(first, "invoice_new:in_A"); // first's transaction stays open from here on
        assertEquals(0, countByKey(second, "invoice_new:in_B"));
        insertFirstAttempt(second, "invoice_new:in_B");
        first.commit();
        second.commit();
        assertEquals(1, countByKey(first, "invoice_new:in_A"));
        assertEquals(1, countByKey(second, "invoice_new:in_B"));
    }

    @Test
    void twoFirstAttemptsForOneEmailCannotBothWin() throws SQLException {
        insertFirstAttempt(first, "invoice_new:in_C");
        first.commit();
        SQLException duplicate = assertThrows(SQLException.class, () -> insertFirstAttempt(second, "invoice_new:in_C"));
        assertEquals("23505", duplicate.getSQLState(), "the unique dedupe key refuses the second");
        second.rollback();
    }

    @Test
    void aRetryClaimsByPrimaryKeyOnlyIfTheRowIsStillAsSeen() throws SQLException {
        insertFirstAttempt(first, "invoice_new:in_D");
        try (Statement s = first.createStatement()) {
            s.executeUpdate("UPDATE email_delivery SET status = 'failed' WHERE dedupe_key = 'invoice_new:in_D'");
        }
        first.commit();
        long id = idOf(first, "invoice_new:in_D");
        first.commit();
        insertFirstAttempt(second, "invoice_new:in_E"); // another worker, mid-claim for another invoice
        assertEquals(1, reattempt(first, id, "failed", 1), "first takes the retry without waiting");
        first.commit();
        second.commit();
        assertEquals(0, reattempt(second, id, "failed", 1), "second, having read the same row, does not");
        second.commit();
    }

    private Connection worker() throws SQLException {
        Connection c = DriverManager.getConnection(url);
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ); // Liberty's default for Derby
        return c;
    }

    private static long countByKey(Connection c, String key) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*) FROM email_delivery WHERE dedupe_key = ?")) {
            p.setString(1, key);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                long count = r.getLong(1);
                c.commit();
                return count;
            }
        }
    }

    private static long idOf(Connection c, String key) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT id FROM email_delivery WHERE dedupe_key = ?")) {
            p.setString(1, key);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static void insertFirstAttempt(Connection c, String key) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO email_delivery (dedupe_key, stripe_invoice_id, "
                + "template, recipient, message_id, status, attempts, created_at, attempted_at, pdf_sha256) "
                + "VALUES (?, ?, 'invoice_new', 'ap@customer.example', ?, 'prepared', 1, CURRENT_TIMESTAMP, "
                + "CURRENT_TIMESTAMP, 'abc')")) {
            p.setString(1, key);
            p.setString(2, key.substring(key.indexOf(':') + 1));
            p.setString(3, "<" + key + "@notify.adventive.com>");
            p.executeUpdate();
        }
    }

    private static int reattempt(Connection c, long id, String seenStatus, int seenAttempts) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("UPDATE email_delivery SET status = 'prepared', "
                + "attempts = attempts + 1, attempted_at = CURRENT_TIMESTAMP WHERE id = ? AND status = ? AND attempts = ?")) {
            p.setLong(1, id);
            p.setString(2, seenStatus);
            p.setInt(3, seenAttempts);
            return p.executeUpdate();
        }
    }
}
