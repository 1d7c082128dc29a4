package com.adventive.billing.platform.boundary;

import com.adventive.billing.platform.control.BillingProblem;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Every capability's problems leave here, as problem+json with the standard title for the status. */
@Provider
public class BillingProblemMapper implements ExceptionMapper<BillingProblem> {

    @Override
    public Response toResponse(BillingProblem problem) {
        Response.ResponseBuilder answer = ProblemResponses.builder(problem.status(),
                ProblemResponses.standardTitle(problem.status()), problem.getMessage(), problem.code());
        if (problem.retryAfterSeconds() != null) {
            answer.header("Retry-After", problem.retryAfterSeconds());
        }
        return answer.build();
    }
}
