package com.adventive.billing.platform.boundary;

import com.adventive.billing.platform.control.BillingProblem;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.SecurityContext;

import java.security.Principal;

/**
 * An operator's JSON request read field by field, the same way on every endpoint: a field is absent
 * (null) or of the type asked, anything else is a 400 problem under the endpoint's own stable code.
 *
 * @param object      one JSON object of the request (the body, or an object inside it)
 * @param problemCode the code its refusals carry
 */
public record RequestInput(JsonObject object, String problemCode) {

    /** The request's body, which must be there. */
    public static RequestInput body(JsonObject body, String problemCode) {
        if (body == null) {
            throw BillingProblem.badRequest(problemCode, "expected a JSON body");
        }
        return new RequestInput(body, problemCode);
    }

    /** Who asked: the authenticated principal's name (the admin gate sets it), or null. */
    public static String who(SecurityContext security) {
        Principal principal = security == null ? null : security.getUserPrincipal();
        return principal == null ? null : principal.getName();
    }

    public JsonValue value(String field) {
        return object.get(field);
    }

    public String text(String field) {
        JsonValue value = object.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (value instanceof JsonString s) {
            return s.getString();
        }
        throw invalid(field + " must be a string");
    }

    /**
     * A whole number that fits a long (money in minor units, quantities), or null when absent;
     * refused as "{@code what} must be {@code expected}" otherwise.
     */
    public Long wholeNumber(String field, String what, String expected) {
        JsonValue value = object.get(field);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        return presentWholeNumber(value, what, expected);
    }

    /** The same, for a number the request cannot do without. */
    public long requiredWholeNumber(String field, String what, String expected) {
        return presentWholeNumber(object.get(field), what, expected);
    }

    private long presentWholeNumber(JsonValue value, String what, String expected) {
        if (value instanceof JsonNumber n && n.isIntegral()) {
            try {
                return n.bigIntegerValueExact().longValueExact();
            } catch (ArithmeticException e) {
                throw invalid(what + " is too large");
            }
        }
        throw invalid(what + " must be " + expected);
    }

    public BillingProblem invalid(String detail) {
        return BillingProblem.badRequest(problemCode, detail);
    }
}
