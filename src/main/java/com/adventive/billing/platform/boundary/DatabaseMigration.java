package com.adventive.billing.platform.boundary;

import com.adventive.billing.platform.control.SchemaState;
import com.adventive.billing.platform.control.SchemaState.Failure;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Brings the schema to the newest Flyway migration. The first attempt runs at start-up, before the
 * beans that depend on it (WorkSweeper), so a worker whose database is up starts migrated.
 *
 * <p>A database that is down at start-up does not stop the worker: the attempt's failure is
 * recorded in {@link SchemaState} (readiness reports not-ready with the reason) and the migration is
 * retried by a non-persistent EJB timer with exponential backoff, 1 s doubling up to
 * {@link #MAX_DELAY}, until it succeeds; then the worker becomes ready on its own, no restart.
 *
 * <p>Bean-managed transactions: Flyway commits on its own connections, outside any JTA transaction.
 * On Liberty's class loaders Flyway finds a classpath location only through a marker file
 * (db/migration/flyway.location, and db/callback/flyway.location for its default callbacks).
 */
@Singleton
@Startup
@TransactionManagement(TransactionManagementType.BEAN)
public class DatabaseMigration {

    private static final Logger LOG = Logger.getLogger(DatabaseMigration.class.getName());
    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    static final Duration MAX_DELAY = Duration.ofSeconds(15);

    @Resource(lookup = "jdbc/billing")
    DataSource dataSource;

    @Resource
    TimerService timers;

    @Inject
    SchemaState schema;

    private int failedAttempts;

    @PostConstruct
    void migrateAtStartUp() {
        attempt();
    }

    @Timeout
    void retry() {
        attempt();
    }

    private void attempt() {
        try {
            migrate();
            schema.recordMigrated();
            if (failedAttempts > 0) {
                LOG.info("Database schema migrated after " + failedAttempts + " failed attempt(s); the worker is ready");
            }
        } catch (RuntimeException e) {
            failedAttempts++;
            Duration delay = delayAfter(failedAttempts);
            Failure failure = unreachable(e) ? Failure.DATABASE_UNREACHABLE : Failure.MIGRATION_FAILED;
            schema.recordFailure(failure, failedAttempts, delay);
            if (failure == Failure.DATABASE_UNREACHABLE) {
                // Expected while the database is down: one line per attempt, no stack trace.
                LOG.warning("Database unreachable, schema not migrated (attempt " + failedAttempts + "), next try in "
                        + delay.toSeconds() + " s; the worker reports not ready until then: " + causes(e));
            } else {
                LOG.log(Level.SEVERE, "Schema migration failed (attempt " + failedAttempts + "), next try in "
                        + delay.toSeconds() + " s; the worker reports not ready until it succeeds", e);
            }
            timers.createSingleActionTimer(delay.toMillis(), new TimerConfig("database-migration", false));
        }
    }

    /** 1 s, 2 s, 4 s, 8 s, then every {@link #MAX_DELAY}: quick when the database is just starting, cheap when it stays down. */
    static Duration delayAfter(int failedAttempts) {
        long seconds = FIRST_DELAY.toSeconds() << Math.min(failedAttempts - 1, 10);
        return Duration.ofSeconds(Math.min(seconds, MAX_DELAY.toSeconds()));
    }

    private void migrate() {
        String vendor = vendor();
        var result = Flyway.configure(getClass().getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .placeholders(placeholdersFor(vendor))
                .load()
                .migrate();
        LOG.info(() -> "Database schema on " + vendor + " at version " + result.targetSchemaVersion
                + " (" + result.migrationsExecuted + " migrations applied now)");
    }

    /** The few column types that differ between the embedded default (Derby) and PostgreSQL. */
    private static Map<String, String> placeholdersFor(String vendor) {
        if (vendor.contains("derby")) {
            return Map.of("text_type", "CLOB");
        }
        return Map.of("text_type", "TEXT");
    }

    private String vendor() {
        try (Connection c = dataSource.getConnection()) {
            return c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        } catch (SQLException e) {
            throw new DatabaseUnreachable(e);
        }
    }

    /** No connection to be had, or one lost on the way (SQLState class 08, "connection exception"). */
    private static boolean unreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DatabaseUnreachable) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    private static String causes(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null && text.length() < 1_000; t = t.getCause()) {
            text.append(text.isEmpty() ? "" : " <- ").append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        return text.toString();
    }

    private static final class DatabaseUnreachable extends RuntimeException {
        DatabaseUnreachable(SQLException cause) {
            super("cannot get a connection to the billing database", cause);
        }
    }
}
