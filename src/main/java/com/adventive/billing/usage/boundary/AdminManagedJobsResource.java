package com.adventive.billing.usage.boundary;

import com.adventive.billing.platform.boundary.RequestInput;
import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.platform.control.Ids;
import com.adventive.billing.usage.control.ManagedJobLedger;
import com.adventive.billing.usage.control.ManagedJobs;
import com.adventive.billing.usage.entity.ManagedJob;
import com.stripe.exception.StripeException;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.LocalDateTime;
import java.util.List;

/** Managed-service jobs billed as Stripe InvoiceItems, once per job_id; audited by the admin gate. */
@Path("/admin/managed-jobs")
@Tag(name = "usage", description = "Metered usage reported to Stripe exactly once")
public class AdminManagedJobsResource {

    @Inject
    ManagedJobs jobs;

    @Inject
    ManagedJobLedger ledger;

    @Context
    SecurityContext security;

    public record JobView(String status, long id, String jobId, String acctId, String description, long amount,
                          String currency, String state, String stripeInvoiceItemId, String createdBy,
                          LocalDateTime createdAt, LocalDateTime createdInStripeAt, int sendAttempts, String lastError) {
        static JobView of(String status, ManagedJob j) {
            return new JobView(status, j.id(), j.jobId(), j.acctId(), j.description(), j.amount(), j.currency(),
                    j.state(), j.stripeInvoiceItemId(), j.createdBy(), j.createdAt(), j.createdInStripeAt(),
                    j.sendAttempts(), j.lastError());
        }
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Bill a managed-service job once: {acct_id, job_id, description, amount (minor units), currency}")
    public Response bill(JsonObject body) throws StripeException {
        RequestInput input = RequestInput.body(body, "invalid_managed_job");
        ManagedJobs.Billed billed = jobs.bill(input.text("acct_id"), input.text("job_id"), input.text("description"),
                input.wholeNumber("amount", "amount", "a whole number in the currency's minor unit "
                        + "(e.g. 12500 for USD 125.00, 5000 for JPY 5,000)"),
                input.text("currency"), RequestInput.who(security));
        return Response.status("created".equals(billed.status()) ? 201 : 200)
                .entity(JobView.of(billed.status(), billed.job())).build();
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "An account's managed jobs, newest first (up to 200)")
    public List<JobView> list(@QueryParam("account") String account) {
        if (account == null || !Ids.ACCOUNT.matches(account)) {
            throw BillingProblem.badRequest("invalid_request", "account must be an account id (acct_…)");
        }
        return ledger.forAccount(account, 200).stream().map(j -> JobView.of(j.state(), j)).toList();
    }
}
