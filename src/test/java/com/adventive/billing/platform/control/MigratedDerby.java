package com.adventive.billing.platform.control;

import org.flywaydb.core.Flyway;

import java.util.Map;
import java.util.UUID;

/**
 * A fresh in-memory Derby database with the worker's Flyway migrations applied, for unit tests that
 * need the real schema and Derby's own locking (the embedded default of {@code mvn liberty:run}).
 */
public final class MigratedDerby {

    private MigratedDerby() {
    }

    /** Creates and migrates a new database; returns its JDBC URL. */
    public static String create(String name) {
        String url = "jdbc:derby:memory:" + name + "-" + UUID.randomUUID() + ";create=true";
        Flyway.configure()
                .dataSource(url, null, null)
                .locations("classpath:db/migration")
                .placeholders(Map.of("text_type", "CLOB"))
                .load()
                .migrate();
        return url;
    }
}
