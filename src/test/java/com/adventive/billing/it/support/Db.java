package com.adventive.billing.it.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded PostgreSQL the server under test uses, and plain JDBC to it for assertions.
 * Each call opens its own connection: tests read what the server committed, never hold locks.
 */
public final class Db {

    public static final String DATABASE = "billing";
    /** zonky runs initdb with {@code -U postgres -A trust}: any password is accepted. */
    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres postgres;

    private Db(Path dataDir, EmbeddedPostgres postgres) {
        this.dataDir = dataDir;
        this.postgres = postgres;
        this.port = postgres.getPort();
    }

    /** {@code port} 0: zonky picks one. Every later start reuses the port the worker was configured with. */
    static Db launch(Path dataDir, int port) {
        try {
            EmbeddedPostgres postgres = startPostgres(dataDir, port);
            try (Connection c = postgres.getPostgresDatabase().getConnection();
                 Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + DATABASE);
            }
            return new Db(dataDir, postgres);
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start", e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + DATABASE, e);
        }
    }

    /** A kept data directory, so that a stopped database comes back with everything it had. */
    private static EmbeddedPostgres startPostgres(Path dataDir, int port) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false);
        if (port != 0) {
            builder.setPort(port);
        }
        return builder.start();
    }

    public synchronized boolean isRunning() {
        return postgres != null;
    }

    /**
     * The database goes down, as a crashed or restarting PostgreSQL: the worker's connections are
     * cut and new ones are refused until {@link #start()}. Data is kept on disk.
     */
    public synchronized void stop() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not stop", e);
        }
        postgres = null;
    }

    /** The database is back: same port, same data. */
    public synchronized void start() {
        if (postgres != null) {
            return;
        }
        try {
            postgres = startPostgres(dataDir, port);
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not restart on port " + port, e);
        }
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port() + "/" + DATABASE;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, PASSWORD);
    }

    /** The single number a query returns, e.g. {@code count("select count(*) from x where id = ?", id)}. */
    public long count(String sql, Object... args) {
        List<Map<String, Object>> rows = rows(sql, args);
        if (rows.size() != 1 || rows.get(0).size() != 1) {
            throw new IllegalArgumentException("expected one row with one column from: " + sql);
        }
        Object value = rows.get(0).values().iterator().next();
        return value == null ? 0 : ((Number) value).longValue();
    }

    /** All rows, each as column label (lower case, as PostgreSQL reports it) to value, in column order. */
    public List<Map<String, Object>> rows(String sql, Object... args) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                List<Map<String, Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int col = 1; col <= meta.getColumnCount(); col++) {
                        row.put(meta.getColumnLabel(col), rs.getObject(col));
                    }
                    rows.add(row);
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + sql, e);
        }
    }

    /** For test setup (seeding accounts, simulating drift): returns the update count. */
    public int execute(String sql, Object... args) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("statement failed: " + sql, e);
        }
    }

    /**
     * Empties every table the worker's migrations created (not Flyway's history), so that the next
     * test class starts from the same state whether it runs alone or after others. Identities are
     * not restarted: ids stay unique across the run, as the worker's caches and logs expect.
     */
    public void emptyWorkerTables() {
        List<String> tables = rows("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                + "current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'flyway_schema_history' "
                + "ORDER BY table_name").stream().map(r -> (String) r.get("table_name")).toList();
        if (tables.isEmpty()) {
            return;
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            // A worker transaction still holding a lock must fail this loudly, not hang the run.
            s.execute("SET lock_timeout = '30s'");
            s.execute("TRUNCATE TABLE " + String.join(", ", tables) + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot empty the worker's tables " + tables, e);
        }
    }

    synchronized void shutdown() throws IOException {
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }
}
