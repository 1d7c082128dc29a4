package com.adventive.billing.reconcile.control;

import com.adventive.billing.platform.control.Settings;
import com.adventive.billing.platform.control.StripeGateway;
import com.adventive.billing.platform.control.StripeGateway.InvoicePage;
import com.stripe.exception.StripeException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Lists one period's Stripe invoices 100 to a page, never one call per account. A 429 waits
 * (doubling from {@code RECONCILE_STRIPE_BACKOFF_MILLIS}) and asks for the same page again, from the
 * same cursor; every call is counted, so a run can show it stayed within 1.1× the pages it needed.
 */
@ApplicationScoped
public class StripeInvoiceListing {

    public static final long PAGE_SIZE = 100;
    private static final long MAX_WAIT_MILLIS = 60_000;

    @Inject
    StripeGateway stripe;

    @Inject
    Settings settings;

    /** Calls made and pages that were needed, for one run. */
    public static final class Counter {
        private final AtomicLong calls = new AtomicLong();
        private final AtomicLong pagesNeeded = new AtomicLong();
        private final AtomicLong throttled = new AtomicLong();

        public Counter() {
        }

        public Counter(long calls, long pagesNeeded) {
            this.calls.set(calls);
            this.pagesNeeded.set(pagesNeeded);
        }

        public void call() { calls.incrementAndGet(); }
        public void needed() { pagesNeeded.incrementAndGet(); }
        public long calls() { return calls.get(); }
        public long pagesNeeded() { return pagesNeeded.get(); }
        public long throttled() { return throttled.get(); }
    }

    /** The page after {@code startingAfter} (null: the first), retried on 429 with backoff. */
    public InvoicePage page(long createdFrom, long createdTo, String startingAfter, Counter counter)
            throws StripeException, InterruptedException {
        Retry retry = Retry.of("reconcile-invoice-page", RetryConfig.custom()
                .maxAttempts(settings.reconcileStripeMaxRetries() + 1)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(settings.reconcileStripeBackoffMillis(), 2.0,
                        MAX_WAIT_MILLIS))
                .retryOnException(e -> e instanceof StripeException stripeError && isRateLimited(stripeError))
                .failAfterMaxAttempts(false)
                .build());
        retry.getEventPublisher().onRetry(event -> counter.throttled.incrementAndGet());
        try {
            InvoicePage page = retry.executeCallable(() -> {
                counter.call();
                return stripe.listInvoicesPage(createdFrom, createdTo, startingAfter, PAGE_SIZE);
            });
            counter.needed();
            return page;
        } catch (StripeException | InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("listing invoices failed: " + e.getMessage(), e);
        }
    }

    static boolean isRateLimited(StripeException e) {
        return e.getStatusCode() != null && e.getStatusCode() == 429;
    }
}
