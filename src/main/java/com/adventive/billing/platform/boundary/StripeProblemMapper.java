package com.adventive.billing.platform.boundary;

import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Stripe failures during an operator request. The worker is a client of Stripe here, so Stripe's
 * own failures are a bad gateway (502); only "Stripe has no such object" is the caller's 404.
 */
@Provider
public class StripeProblemMapper implements ExceptionMapper<StripeException> {

    @Override
    public Response toResponse(StripeException e) {
        if (e instanceof InvalidRequestException && Integer.valueOf(404).equals(e.getStatusCode())) {
            return ProblemResponses.builder(404, ProblemResponses.standardTitle(404),
                    "Stripe has no such object" + (e.getStripeError() != null && e.getStripeError().getParam() != null
                            ? " (" + e.getStripeError().getParam() + ")" : ""), "stripe_not_found").build();
        }
        if (e instanceof AuthenticationException) {
            return ProblemResponses.builder(502, ProblemResponses.standardTitle(502),
                    "Stripe refused the API key: check STRIPE_SECRET_KEY (runbook: rotate a secret)", "stripe_auth_failed").build();
        }
        if (e instanceof RateLimitException) {
            return ProblemResponses.builder(503, ProblemResponses.standardTitle(503),
                    "Stripe is rate limiting the worker; retry shortly", "stripe_rate_limited").header("Retry-After", 5).build();
        }
        String what = e instanceof ApiConnectionException ? "could not reach Stripe" : "Stripe answered an error";
        return ProblemResponses.builder(502, ProblemResponses.standardTitle(502),
                what + " (" + e.getClass().getSimpleName() + "); it is safe to retry", "stripe_unavailable").build();
    }
}
