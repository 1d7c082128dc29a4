package com.adventive.billing.admin.boundary;

import com.adventive.billing.admin.control.AdminQueries;
import com.adventive.billing.admin.entity.AdminViews.OperationalEventView;
import com.adventive.billing.admin.entity.AdminViews.Page;
import com.adventive.billing.platform.control.Ids;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/** The operational events (pdf_render_failed, email_failed, double_billing_risk, …), newest first. */
@Path("/admin/events")
@Tag(name = "events", description = "Operational events")
public class AdminOperationalEventsResource {

    private static final Pattern TYPE = Pattern.compile("[a-z][a-z_]{0,59}");
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    @Inject
    AdminQueries queries;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "List operational events, newest first",
            description = "Filter by type, since (ISO-8601 instant), account; page with before_id = next_before_id.")
    public Page<OperationalEventView> list(@QueryParam("type") String type, @QueryParam("since") String since,
                                           @QueryParam("account") String account, @QueryParam("limit") String limit,
                                           @QueryParam("before_id") String beforeId) {
        if (type != null && !TYPE.matcher(type).matches()) {
            throw AdminRequests.invalid("type must be an event type such as pdf_render_failed");
        }
        if (account != null && !Ids.ACCOUNT.matches(account)) {
            throw AdminRequests.invalid("account must look like acct_…");
        }
        return queries.operationalEvents(type, instant(since), account, id(beforeId), AdminRequests.limit(limit, DEFAULT_LIMIT, MAX_LIMIT));
    }

    static Long id(String raw) {
        if (raw == null) {
            return null;
        }
        if (!Ids.WORK_ITEM.matches(raw)) {
            throw AdminRequests.invalid("before_id must be a whole number");
        }
        return Long.parseLong(raw);
    }

    private static Instant instant(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            return Instant.parse(raw);
        } catch (DateTimeParseException e) {
            throw AdminRequests.invalid("since must be an ISO-8601 instant such as 2026-11-01T00:00:00Z");
        }
    }
}
