package com.adventive.billing.health;

import com.adventive.billing.platform.control.BucketGateway;
import com.adventive.billing.platform.control.BuildInfo;
import com.adventive.billing.platform.control.MailGateway;
import com.adventive.billing.platform.control.StripeStatus;
import com.adventive.billing.work.boundary.WorkQueueSender;
import com.adventive.billing.work.control.WorkLedger;
import com.adventive.billing.work.entity.WorkState;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import javax.sql.DataSource;
import java.sql.Connection;

/**
 * Ready means an event can be stored and worked: database, bucket and queue answer.
 * Stripe and SMTP are reported but do not gate readiness — work waits and retries for them.
 */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    private static final int SMTP_TIMEOUT_MS = 1_000;

    @Resource(lookup = "jdbc/billing")
    DataSource dataSource;

    @Inject
    BucketGateway bucket;

    @Inject
    WorkQueueSender queue;

    @Inject
    WorkLedger work;

    @Inject
    MailGateway mail;

    @Inject
    StripeStatus stripe;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("billing-worker")
                .withData("version", BuildInfo.version())
                .withData("stripe_connected", stripe.connected());
        boolean database = databaseUp();
        response.withData("database", database ? "up" : "down");
        boolean bucketUp = bucketUp(response);
        int depth = queue.depth();
        response.withData("queue", depth >= 0 ? "up" : "down");
        response.withData("queue_depth", depth);
        response.withData("smtp", mail.mode() + (mail.reachable(SMTP_TIMEOUT_MS) ? " reachable" : " unreachable"));
        if (database) {
            response.withData("failed_work", work.countInState(WorkState.FAILED));
            response.withData("pending_work", work.countInState(WorkState.PENDING));
        }
        return response.status(database && bucketUp && depth >= 0).build();
    }

    private boolean databaseUp() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(2);
        } catch (Exception e) {
            return false;
        }
    }

    private boolean bucketUp(HealthCheckResponseBuilder response) {
        try {
            response.withData("bucket", bucket.probe() + " up");
            return true;
        } catch (RuntimeException e) {
            response.withData("bucket", "down");
            return false;
        }
    }
}
