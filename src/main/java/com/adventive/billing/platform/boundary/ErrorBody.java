package com.adventive.billing.platform.boundary;

import jakarta.json.Json;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** JSON error answers: a stable machine-readable code and a message for the human reading it. */
public final class ErrorBody {

    private ErrorBody() {
    }

    public static Response of(Response.Status status, String code, String message) {
        return of(status.getStatusCode(), code, message);
    }

    public static Response of(int status, String code, String message) {
        String body = Json.createObjectBuilder()
                .add("error", code)
                .add("message", message)
                .build().toString();
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}
