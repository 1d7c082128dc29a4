package com.adventive.billing.usage.boundary;

import com.adventive.billing.platform.boundary.RequestInput;
import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.usage.control.UsageLedger;
import com.adventive.billing.usage.entity.UsageRecord;
import com.adventive.billing.usage.entity.UsageViews.AdjustmentAnswer;
import com.adventive.billing.work.boundary.WorkQueueSender;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Corrections to the usage ledger: a signed quantity with a reason, recorded as a new entry (the
 * ledger is never edited) under the operator's adjustment_id, so a repeated call changes nothing.
 * Who made it comes from the authenticated principal; the admin gate audits the call.
 */
@Path("/admin/usage/adjustments")
@Tag(name = "usage", description = "Metered usage reported to Stripe exactly once")
public class AdminUsageAdjustmentsResource {

    @Inject
    UsageLedger ledger;

    @Inject
    WorkQueueSender queue;

    @Inject
    OperationalLog operationalLog;

    @Context
    SecurityContext security;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Adjust usage: {acct_id, period, metric, quantity (signed), reason, adjustment_id}; "
            + "positive is reported as a meter event, negative is credit_due (Stripe meters take no negative values)")
    public Response adjust(JsonObject body) {
        RequestInput input = RequestInput.body(body, "invalid_adjustment");
        String who = RequestInput.who(security);
        UsageLedger.Adjusted adjusted = ledger.adjust(input.text("acct_id"), input.text("period"), input.text("metric"),
                input.requiredWholeNumber("quantity", "quantity", "a whole number (negative takes usage back)"),
                input.text("adjustment_id"), input.text("reason"), who);
        UsageRecord entry = adjusted.entry();
        if (adjusted.workId() != null) {
            queue.wakeNew(adjusted.workId());
        }
        boolean credit = UsageRecord.CREDIT_DUE.equals(entry.state());
        if ("accepted".equals(adjusted.status())) {
            operationalLog.record(new OperationalContext(null, null, entry.acctId(), null),
                    credit ? "usage_credit_due" : "usage_adjusted",
                    entry.metric() + " " + entry.period() + " " + entry.quantity() + " by " + who + ": " + entry.reason());
        }
        String handling = credit
                ? "not sent to Stripe (meters take no negative values): issue a credit note for the overcharge with "
                  + "POST /admin/credit-notes on the period's invoice"
                : "reported to Stripe as one meter event";
        AdjustmentAnswer answer = new AdjustmentAnswer(adjusted.status(), entry.id(), entry.acctId(), entry.period(),
                entry.metric(), entry.quantity(), entry.state(), handling);
        return Response.status("accepted".equals(adjusted.status()) ? 201 : 200).entity(answer).build();
    }
}
