package com.adventive.billing.platform.boundary;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;

/**
 * Refuses, as a 400 problem, a request whose URI cannot be parsed or whose query cannot be decoded
 * ({@code ?state=%zz}, {@code ?since=%}). Left alone, the first code that asks for the request URI
 * or a query parameter throws IllegalArgumentException and the caller gets a 500. Runs after the
 * admin gate (so an unauthenticated admin call is still refused and audited as such) and before
 * any resource.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION + 10)
@ApplicationScoped
public class MalformedRequestFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        try {
            request.getUriInfo().getRequestUri();
            request.getUriInfo().getQueryParameters();
        } catch (IllegalArgumentException malformed) {
            request.abortWith(ProblemResponses.builder(400, ProblemResponses.standardTitle(400),
                    "the request URI or its query is not validly percent-encoded", "uri_malformed").build());
        }
    }
}
