package com.adventive.billing.platform.control;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import com.adventive.billing.platform.entity.Texts;
import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;

import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.logging.Logger;

/**
 * Runs a {@link RetriedOnTransientConflict} transaction again when the database rolled it back for
 * meeting another transaction. Its priority puts it outside the Jakarta Transactions interceptor
 * ({@code PLATFORM_BEFORE + 200}), so each try is a transaction of its own.
 *
 * <p>Seen on the embedded Derby default: two workers making their first inserts after a start
 * collide in Derby's identity-range allocation, which gives up at once with "A lock could not be
 * obtained" instead of waiting. PostgreSQL reports deadlocks (40P01) and serialization failures
 * (40001) the same way, as SQLState class 40, "transaction rollback".
 */
@RetriedOnTransientConflict
@Interceptor
@Priority(Interceptor.Priority.PLATFORM_BEFORE + 100)
public class TransientConflictRetry {

    private static final Logger LOG = Logger.getLogger(TransientConflictRetry.class.getName());

    static final int MAX_ATTEMPTS = 5;

    private static final Retry RETRY = Retry.of("database-transient-conflict", RetryConfig.custom()
            .maxAttempts(MAX_ATTEMPTS)
            .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(20), 2.0, 0.5))
            .retryOnException(TransientConflictRetry::isTransientConflict)
            .failAfterMaxAttempts(false)
            .build());

    static {
        RETRY.getEventPublisher().onRetry(event -> LOG.info(() -> "Database transaction rolled back by a conflict with "
                + "another one; running it again (try " + (event.getNumberOfRetryAttempts() + 1) + " of " + MAX_ATTEMPTS
                + "): " + Texts.describe(event.getLastThrowable(), 300)));
    }

    /** Set while a retried call runs, so the calls it makes are not retried again inside it (tries would multiply). */
    private static final ThreadLocal<Boolean> RETRYING = new ThreadLocal<>();

    @Resource
    TransactionSynchronizationRegistry transactions;

    @AroundInvoke
    public Object retryOnConflict(InvocationContext invocation) throws Exception {
        if (transactions.getTransactionStatus() != Status.STATUS_NO_TRANSACTION) {
            return invocation.proceed(); // part of the caller's transaction: only the caller can start over
        }
        return retried(invocation::proceed);
    }

    /** Runs the transaction, and again while the database rolls it back for a conflict, up to {@link #MAX_ATTEMPTS} times. */
    static <T> T retried(Callable<T> transaction) throws Exception {
        if (RETRYING.get() != null) {
            return transaction.call(); // inside a retried call, which starts over as a whole
        }
        RETRYING.set(Boolean.TRUE);
        try {
            return RETRY.executeCallable(transaction);
        } finally {
            RETRYING.remove();
        }
    }

    /** SQLState class 40 anywhere in the cause chain: the database rolled the transaction back, nothing was written. */
    static boolean isTransientConflict(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransactionRollbackException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("40")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
