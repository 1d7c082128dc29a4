package com.adventive.billing.platform.boundary;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.Locale;

/**
 * JAX-RS's own refusals (unknown path, wrong method, unsupported media type, unreadable JSON body)
 * in the same problem+json shape as everything else, with a code derived from the status.
 */
@Provider
public class WebApplicationProblemMapper implements ExceptionMapper<WebApplicationException> {

    @Override
    public Response toResponse(WebApplicationException e) {
        Response original = e.getResponse();
        int status = original == null ? 500 : original.getStatus();
        if (original != null && original.hasEntity()) {
            return original;
        }
        String title = ProblemResponses.standardTitle(status);
        String code = title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
        String detail = status == 400 ? "the request could not be read: check its JSON and parameters" : null;
        Response.ResponseBuilder answer = ProblemResponses.builder(status, title, detail, code);
        if (original != null && original.getHeaderString("Allow") != null) {
            answer.header("Allow", original.getHeaderString("Allow"));
        }
        return answer.build();
    }
}
