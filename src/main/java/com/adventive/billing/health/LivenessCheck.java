package com.adventive.billing.health;

import com.adventive.billing.platform.control.BuildInfo;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Alive means the application answers; it deliberately ignores Stripe, the database and the bucket.
 * Named apart from the readiness check, so a filter on the name picks exactly one of them.
 */
@Liveness
@ApplicationScoped
public class LivenessCheck implements HealthCheck {

    public static final String NAME = "billing-worker-live";

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named(NAME)
                .withData("version", BuildInfo.version())
                .up()
                .build();
    }
}
