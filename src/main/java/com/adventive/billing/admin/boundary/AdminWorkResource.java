package com.adventive.billing.admin.boundary;

import com.adventive.billing.admin.control.AdminQueries;
import com.adventive.billing.admin.entity.AdminViews.Page;
import com.adventive.billing.admin.entity.AdminViews.WorkItemView;
import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.platform.control.Ids;
import com.adventive.billing.work.boundary.WorkQueueSender;
import com.adventive.billing.work.control.WorkLedger;
import com.adventive.billing.work.entity.WorkState;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Arrays;
import java.util.Locale;

/** Work items by state, and the retry of one that failed. */
@Path("/admin/work")
@Tag(name = "work", description = "Queued, failed and retried work")
public class AdminWorkResource {

    @Inject
    AdminQueries queries;

    @Inject
    WorkLedger ledger;

    @Inject
    WorkQueueSender sender;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "List work items in a state (default failed), newest first")
    public Page<WorkItemView> list(@QueryParam("state") String state, @QueryParam("limit") String limit,
                                   @QueryParam("before_id") String beforeId) {
        return queries.workItems(state(state), AdminOperationalEventsResource.id(beforeId),
                AdminRequests.limit(limit, AdminOperationalEventsResource.DEFAULT_LIMIT, AdminOperationalEventsResource.MAX_LIMIT));
    }

    @POST
    @Path("/{id}/retry")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Retry a failed work item now, with a fresh attempt budget")
    public WorkItemView retry(@PathParam("id") String rawId) {
        if (!Ids.WORK_ITEM.matches(rawId)) {
            throw AdminRequests.invalid("work item ids are whole numbers");
        }
        long id = Long.parseLong(rawId);
        WorkItemView item = queries.workItem(id)
                .orElseThrow(() -> AdminRequests.notFound("no work item " + id));
        if (!ledger.retryFailed(id)) {
            throw BillingProblem.conflict("work_not_failed",
                    "work item " + id + " is " + item.state() + "; only failed items can be retried");
        }
        sender.wake(id);
        return queries.workItem(id).orElseThrow();
    }

    private static WorkState state(String raw) {
        if (raw == null) {
            return WorkState.FAILED;
        }
        try {
            return WorkState.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw AdminRequests.invalid("state must be one of " + Arrays.toString(Arrays.stream(WorkState.values())
                    .map(WorkState::dbValue).toArray()));
        }
    }
}
