package com.adventive.billing.health;

import com.adventive.billing.platform.control.BuildInfo;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** Alive means the application answers; it deliberately ignores Stripe, the database and the bucket. */
@Liveness
@ApplicationScoped
public class LivenessCheck implements HealthCheck {

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("billing-worker")
                .withData("version", BuildInfo.version())
                .up()
                .build();
    }
}
