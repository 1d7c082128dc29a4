package com.adventive.billing.usage.control;

import com.adventive.billing.platform.control.Settings;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;

/**
 * Keeps this instance's meter events to Stripe at {@code USAGE_REPORT_RATE} per second, with
 * Resilience4j's rate limiter (permits refilled each second). The setting is read on every
 * acquisition, so a change takes effect within a second without a restart. When Stripe answers
 * 429 the permits left in the current second are given up, so the whole instance pauses, not
 * only the one event that was refused (which waits out the work backoff).
 */
@ApplicationScoped
public class UsageReportPace {

    /** How long one report waits for a permit before it gives its work slot back (deferred, no attempt used). */
    static final Duration PERMIT_WAIT = Duration.ofSeconds(5);

    @Inject
    Settings settings;

    private RateLimiter limiter;

    @PostConstruct
    void start() {
        limiter = RateLimiter.of("usage-report", RateLimiterConfig.custom()
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .limitForPeriod(settings.usageReportRate())
                .timeoutDuration(PERMIT_WAIT)
                .build());
    }

    /** True when this report may go now; false when no permit came within {@link #PERMIT_WAIT}. */
    public boolean acquire() {
        int rate = settings.usageReportRate();
        if (limiter.getRateLimiterConfig().getLimitForPeriod() != rate) {
            limiter.changeLimitForPeriod(rate);
        }
        return limiter.acquirePermission();
    }

    /** Stripe said slow down: nothing more goes out in the current second. */
    public void rateLimited() {
        limiter.drainPermissions();
    }

    /** The configured rate, for answers and logs. */
    public int rate() {
        return settings.usageReportRate();
    }
}
