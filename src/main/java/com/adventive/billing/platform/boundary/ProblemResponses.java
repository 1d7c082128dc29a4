package com.adventive.billing.platform.boundary;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Error answers of every endpoint as RFC 9457 problem details ({@code application/problem+json}).
 * The type is {@code about:blank}: the HTTP status says what kind of problem it is, {@code detail}
 * says what happened to this request, and {@code code} (an extension member) is stable for scripts.
 */
public final class ProblemResponses {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final MediaType MEDIA_TYPE_VALUE = MediaType.valueOf(MEDIA_TYPE);

    private ProblemResponses() {
    }

    /** A problem answer with a machine-readable {@code code}; add headers before build(). */
    public static Response.ResponseBuilder builder(int status, String title, String detail, String code) {
        JsonObjectBuilder body = Json.createObjectBuilder()
                .add("type", "about:blank")
                .add("title", title)
                .add("status", status);
        if (detail != null) {
            body.add("detail", detail);
        }
        if (code != null) {
            body.add("code", code);
        }
        return Response.status(status).type(MEDIA_TYPE_VALUE).entity(body.build().toString());
    }

    public static String standardTitle(int status) {
        Response.Status known = Response.Status.fromStatusCode(status);
        return known != null ? known.getReasonPhrase() : "HTTP " + status;
    }
}
