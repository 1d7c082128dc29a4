package com.adventive.billing.reconcile.control;

import com.adventive.billing.platform.control.Settings;
import com.adventive.billing.reconcile.entity.LegacyBilling;
import com.adventive.billing.reconcile.entity.PriceTiers;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reads the legacy billing_service's view of a period through the second, read-only datasource
 * ({@code jdbc/legacy}). What is read, and from which tables, is configuration
 * ({@code LEGACY_INVOICES_SQL}, {@code LEGACY_PLAN_TIERS_SQL}); only the column names of their
 * answers are fixed. With the embedded default (Derby) the sample database is created from
 * {@code legacy/sample-legacy.sql} on first use. When the legacy database cannot be read, the run
 * goes on without it and says so ({@code legacy_checked: false}).
 */
@ApplicationScoped
public class LegacyReader {

    private static final Logger LOG = Logger.getLogger(LegacyReader.class.getName());
    static final String SAMPLE_SCRIPT = "/legacy/sample-legacy.sql";

    @Resource(lookup = "jdbc/legacy")
    DataSource legacy;

    @Inject
    Settings settings;

    public LegacyBilling read(String period, String account) {
        if (legacy == null) {
            return LegacyBilling.unavailable();
        }
        try (Connection connection = legacy.getConnection()) {
            if ("derby".equals(settings.legacyDbKind())) {
                createSampleIfEmpty(connection);
            }
            connection.setReadOnly(true);
            Map<String, List<LegacyBilling.Invoice>> invoices = new HashMap<>();
            try (PreparedStatement select = connection.prepareStatement(settings.legacyInvoicesSql())) {
                select.setString(1, period);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        String acct = rows.getString("acct_id");
                        if (account != null && !account.equals(acct)) {
                            continue;
                        }
                        invoices.computeIfAbsent(acct, a -> new ArrayList<>()).add(new LegacyBilling.Invoice(acct,
                                rows.getString("period"), rows.getLong("amount"), rows.getString("currency"),
                                rows.getString("invoice_ref")));
                    }
                }
            }
            Map<String, Map<String, List<PriceTiers.Tier>>> tiers = new HashMap<>();
            Map<String, String> modes = new HashMap<>();
            try (Statement select = connection.createStatement();
                 ResultSet rows = select.executeQuery(settings.legacyPlanTiersSql())) {
                while (rows.next()) {
                    String acct = rows.getString("acct_id");
                    if (account != null && !account.equals(acct)) {
                        continue;
                    }
                    String metric = rows.getString("metric");
                    long upTo = rows.getLong("up_to");
                    Long bound = rows.wasNull() ? null : upTo;
                    BigDecimal unit = rows.getBigDecimal("unit_amount");
                    BigDecimal flat = rows.getBigDecimal("flat_amount");
                    tiers.computeIfAbsent(acct, a -> new LinkedHashMap<>()).computeIfAbsent(metric, m -> new ArrayList<>())
                            .add(new PriceTiers.Tier(bound, unit, flat));
                    modes.put(acct + "\u0000" + metric, rows.getString("tiers_mode"));
                }
            }
            Map<String, Map<String, PriceTiers>> plans = new HashMap<>();
            tiers.forEach((acct, byMetric) -> byMetric.forEach((metric, list) -> plans
                    .computeIfAbsent(acct, a -> new HashMap<>())
                    .put(metric, new PriceTiers(modes.get(acct + "\u0000" + metric), list))));
            return new LegacyBilling(invoices, plans, true);
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "the legacy database could not be read; reconciling without it", e);
            return LegacyBilling.unavailable();
        }
    }

    /** The embedded sample only: creates its tables and rows once, when they are not there yet. */
    private void createSampleIfEmpty(Connection connection) throws SQLException {
        try (ResultSet tables = connection.getMetaData().getTables(null, null, "LEGACY_INVOICE", null)) {
            if (tables.next()) {
                return;
            }
        }
        String script;
        try (InputStream in = LegacyReader.class.getResourceAsStream(SAMPLE_SCRIPT)) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new SQLException("the legacy sample script " + SAMPLE_SCRIPT + " is missing", e);
        }
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements(script)) {
                statement.execute(sql);
            }
        }
    }

    /** The script's statements: comment lines dropped, split at the semicolons that end a line. */
    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                statements.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        return statements;
    }
}
