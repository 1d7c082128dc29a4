package com.adventive.billing.platform.boundary;

import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.sql.SQLException;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Whatever no other mapper knows. The caller gets a reference to quote and no internals; the log
 * gets the stack trace under the same reference. A database outage is a 503 the caller may retry.
 */
@Provider
public class UnexpectedProblemMapper implements ExceptionMapper<Exception> {

    private static final Logger LOG = Logger.getLogger(UnexpectedProblemMapper.class.getName());

    @Override
    public Response toResponse(Exception e) {
        String reference = UUID.randomUUID().toString();
        LOG.log(Level.WARNING, "Request failed, reference " + reference, e);
        if (databaseUnavailable(e)) {
            return ProblemResponses.builder(503, ProblemResponses.standardTitle(503),
                            "the database is not answering; nothing was changed, it is safe to retry (reference "
                                    + reference + ")", "database_unavailable")
                    .header("Retry-After", 10).build();
        }
        return ProblemResponses.builder(500, ProblemResponses.standardTitle(500),
                "the request failed unexpectedly; the server log has the details under reference " + reference,
                "internal_error").build();
    }

    private static boolean databaseUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PersistenceException || t instanceof SQLException) {
                return true;
            }
        }
        return false;
    }
}
