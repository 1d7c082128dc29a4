package com.adventive.billing.platform.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Brings the schema to the newest Flyway migration before anything else touches the database.
 * Bean-managed transactions: Flyway commits on its own connections, outside any JTA transaction.
 * On Liberty's class loaders Flyway finds a classpath location only through a marker file
 * (db/migration/flyway.location, and db/callback/flyway.location for its default callbacks).
 */
@Singleton
@Startup
@TransactionManagement(TransactionManagementType.BEAN)
public class DatabaseMigration {

    private static final Logger LOG = Logger.getLogger(DatabaseMigration.class.getName());

    @Resource(lookup = "jdbc/billing")
    DataSource dataSource;

    @PostConstruct
    void migrate() {
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
            throw new IllegalStateException("Cannot reach the billing database", e);
        }
    }
}
