package com.adventive.billing.platform.boundary;

import com.adventive.billing.platform.control.BillingProblem;
import jakarta.json.JsonValue;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import java.io.IOException;

/**
 * Answers 400 when the framework cannot read a JSON-P entity ({@code JsonObject} parameters of the
 * admin API). Parsson refuses a body nested deeper than its 1,000 levels with a plain
 * RuntimeException, which the JSON-P provider passes on as a 500, so the caller saw a server error
 * and the on-call engineer an alert for what is the caller's mistake. A 4xx the provider chose
 * (malformed JSON) is left alone.
 */
@Provider
public class UnreadableJsonBodyInterceptor implements ReaderInterceptor {

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        if (!JsonValue.class.isAssignableFrom(context.getType())) {
            return context.proceed();
        }
        try {
            return context.proceed();
        } catch (WebApplicationException refused) {
            if (refused.getResponse() != null && refused.getResponse().getStatus() < 500) {
                throw refused;
            }
            throw unreadable();
        } catch (RuntimeException e) {
            throw unreadable();
        }
    }

    private static BillingProblem unreadable() {
        return BillingProblem.badRequest("invalid_request", "the body is not JSON that can be read (nested too deeply?)");
    }
}
