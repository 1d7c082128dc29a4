package com.adventive.billing.health;

import com.adventive.billing.platform.control.BucketGateway;
import com.adventive.billing.platform.control.BuildInfo;
import com.adventive.billing.platform.control.CachedCheck;
import com.adventive.billing.platform.control.MailGateway;
import com.adventive.billing.platform.control.SchemaState;
import com.adventive.billing.platform.control.StripeStatus;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Ready means the worker can take webhooks: the database stores the event and its work item, the
 * queue takes the work. Those two gate readiness; nothing else does. The bucket, SMTP and Stripe
 * are reported in the data — an R2 or SMTP outage must not stop intake, the work waits and retries
 * for them.
 *
 * <p>Every probe is cheap: one indexed count query (which is also the database check, and fails
 * while the schema is not migrated), one queue browser opened and closed without reading the
 * queue, and the bucket and SMTP readings of the last {@value #OPTIONAL_CHECK_SECONDS} s, refreshed
 * off the probe's thread. The data name states and counts only: no bucket name, host or port.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    public static final String NAME = "billing-worker-ready";

    static final int OPTIONAL_CHECK_SECONDS = 5;
    private static final Duration OPTIONAL_CHECK_MAX_AGE = Duration.ofSeconds(OPTIONAL_CHECK_SECONDS);
    /** A probe waits this long for a bucket or SMTP refresh, then reports the last known state. */
    private static final Duration OPTIONAL_CHECK_WAIT = Duration.ofMillis(500);
    /** A bucket or SMTP check still running after this long means the dependency is not answering. */
    private static final Duration OPTIONAL_CHECK_HUNG = Duration.ofSeconds(5);
    private static final int SMTP_CONNECT_TIMEOUT_MS = 2_000;
    private static final int QUERY_TIMEOUT_SECONDS = 2;

    /** Work items by the states operators watch; served by the work_item state index. */
    static final String WORK_COUNTS = "SELECT state, COUNT(*) FROM work_item"
            + " WHERE state IN ('pending', 'running', 'failed') GROUP BY state";

    @Resource(lookup = "jdbc/billing")
    DataSource dataSource;

    @Resource(lookup = "jms/renderConnectionFactory")
    ConnectionFactory renderConnections;

    @Resource(lookup = "jms/renderQueue")
    Queue renderQueue;

    @Inject
    BucketGateway bucket;

    @Inject
    MailGateway mail;

    @Inject
    StripeStatus stripe;

    @Inject
    SchemaState schema;

    private ExecutorService optionalChecks;
    private CachedCheck bucketCheck;
    private CachedCheck smtpCheck;

    /** What one probe found. {@code work} is empty when the database did not answer. */
    record Readings(Optional<Map<String, Long>> work, boolean queue, CachedCheck.State bucket,
                    CachedCheck.State smtp, String mailMode, boolean stripeConnected) {

        boolean ready() {
            return work.isPresent() && queue;
        }

        Map<String, Object> data() {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("version", BuildInfo.version());
            data.put("database", work.isPresent() ? "up" : "down");
            data.put("queue", queue ? "up" : "down");
            data.put("bucket", bucket.label());
            data.put("smtp", "outbox".equals(mailMode) ? "outbox" : smtp.label());
            data.put("stripe_connected", stripeConnected);
            work.ifPresent(counts -> {
                data.put("pending_work", counts.getOrDefault("pending", 0L));
                data.put("running_work", counts.getOrDefault("running", 0L));
                data.put("failed_work", counts.getOrDefault("failed", 0L));
            });
            return data;
        }
    }

    @PostConstruct
    void startOptionalChecks() {
        ClassLoader application = ReadinessCheck.class.getClassLoader();
        optionalChecks = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "billing-health-check");
            thread.setDaemon(true);
            thread.setContextClassLoader(application);
            return thread;
        });
        bucketCheck = new CachedCheck(this::bucketAnswers, optionalChecks,
                OPTIONAL_CHECK_MAX_AGE, OPTIONAL_CHECK_WAIT, OPTIONAL_CHECK_HUNG);
        smtpCheck = new CachedCheck(() -> mail.reachable(SMTP_CONNECT_TIMEOUT_MS), optionalChecks,
                OPTIONAL_CHECK_MAX_AGE, OPTIONAL_CHECK_WAIT, OPTIONAL_CHECK_HUNG);
    }

    @PreDestroy
    void stopOptionalChecks() {
        optionalChecks.shutdownNow();
    }

    @Override
    public HealthCheckResponse call() {
        Readings readings = new Readings(workCounts(), queueAnswers(), bucketCheck.state(), smtpCheck.state(),
                mail.mode(), stripe.connected());
        // the database may answer before its schema is current (migrations retried in the background)
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).status(readings.ready() && schema.migrated());
        schema.notReadyReason().ifPresent(reason -> response.withData("schema", reason));
        readings.data().forEach((key, value) -> {
            if (value instanceof Long number) {
                response.withData(key, number);
            } else if (value instanceof Boolean flag) {
                response.withData(key, flag);
            } else {
                response.withData(key, String.valueOf(value));
            }
        });
        return response.build();
    }

    /**
     * The database check: one cheap query through the pool that also needs the migrated schema. A
     * database that is down, refuses connections or lacks the work_item table gives empty.
     */
    Optional<Map<String, Long>> workCounts() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(WORK_COUNTS)) {
            query.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            Map<String, Long> counts = new LinkedHashMap<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    counts.put(rows.getString(1), rows.getLong(2));
                }
            }
            return Optional.of(counts);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** The queue check: the messaging engine opens a browser on the render queue. No message is read. */
    boolean queueAnswers() {
        try (JMSContext context = renderConnections.createContext();
             QueueBrowser browser = context.createBrowser(renderQueue)) {
            return browser.getQueue() != null;
        } catch (Exception e) {
            return false;
        }
    }

    private boolean bucketAnswers() {
        bucket.probe();
        return true;
    }
}
