package com.adventive.billing.platform.control;

/**
 * A failure that has an answer for whoever asked: an HTTP status, a stable {@code code} for
 * scripts and a detail for people. Capabilities throw it (or their own subclasses); one JAX-RS
 * mapper turns it into {@code application/problem+json}, so no resource catches and translates.
 */
public class BillingProblem extends RuntimeException {

    private final int status;
    private final String code;
    private final Integer retryAfterSeconds;

    public BillingProblem(int status, String code, String detail) {
        this(status, code, detail, null, null);
    }

    public BillingProblem(int status, String code, String detail, Integer retryAfterSeconds, Throwable cause) {
        super(detail, cause);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static BillingProblem badRequest(String code, String detail) {
        return new BillingProblem(400, code, detail);
    }

    public static BillingProblem notFound(String code, String detail) {
        return new BillingProblem(404, code, detail);
    }

    public static BillingProblem conflict(String code, String detail) {
        return new BillingProblem(409, code, detail);
    }

    /** A passing condition: the caller may retry after the given number of seconds. */
    public static BillingProblem unavailable(String code, String detail, int retryAfterSeconds) {
        return new BillingProblem(503, code, detail, retryAfterSeconds, null);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** Null when retrying will not help or the status says enough. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
