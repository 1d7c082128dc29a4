package com.adventive.billing.platform.control;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Optional;

/**
 * Whether the database schema has been brought to the newest migration in this run. Until it has,
 * the worker is not ready: it came up without its database (or a migration failed) and the
 * migration is being retried in the background. Readiness asks {@link #notReadyReason()}.
 *
 * <p>The reason names what is wrong and when the next try comes, never a host, port or driver
 * message: health output carries no infrastructure detail (the server log has it).
 */
@ApplicationScoped
public class SchemaState {

    /** Why a migration attempt failed, in the words readiness reports. */
    public enum Failure {
        DATABASE_UNREACHABLE("database unreachable"),
        MIGRATION_FAILED("schema migration failed");

        private final String words;

        Failure(String words) {
            this.words = words;
        }
    }

    private record Status(boolean migrated, String reason) {
    }

    private volatile Status status = new Status(false, "schema not migrated yet: start-up in progress");

    public boolean migrated() {
        return status.migrated();
    }

    /** Empty once the schema is migrated; otherwise one line saying why not and what happens next. */
    public Optional<String> notReadyReason() {
        Status now = status;
        return now.migrated() ? Optional.empty() : Optional.of(now.reason());
    }

    public void recordMigrated() {
        status = new Status(true, null);
    }

    public void recordFailure(Failure failure, int attempt, Duration nextAttemptIn) {
        status = new Status(false, "schema not migrated: " + failure.words + " (attempt " + attempt
                + " failed, next in " + nextAttemptIn.toSeconds() + " s)");
    }
}
