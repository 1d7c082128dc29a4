package com.adventive.billing.reconcile.boundary;

import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.platform.control.Ids;
import com.adventive.billing.reconcile.control.ReconcileRuns;
import com.adventive.billing.reconcile.control.Reconciliation;
import com.adventive.billing.reconcile.entity.ReconcileRun;
import com.adventive.billing.reconcile.entity.ReconciliationReport;
import com.adventive.billing.reconcile.entity.RunView;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;

/** Runs the reconciliation now, as the monthly check and the drift playbook ask, and shows past runs. */
@Path("/admin/reconcile")
@Tag(name = "reconcile", description = "Reconciliation")
public class ReconcileResource {

    /** How long a request waits for a run already going before it answers 202 with that run's progress. */
    static final Duration JOIN_WAIT = Duration.ofSeconds(120);
    static final int MAX_RUNS = 100;

    @Inject
    Reconciliation reconciliation;

    @Inject
    ReconcileRuns runs;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Reconcile a period now (default: the last closed one): {status, accounts_checked, "
            + "drift_count} (+ drifts with detail=true); a request while the same check runs gets that run")
    public Response reconcile(@QueryParam("detail") boolean detail, @QueryParam("period") String period,
                              @QueryParam("account") String account) {
        String checked = period(period);
        if (account != null && !Ids.ACCOUNT.matches(account)) {
            throw BillingProblem.badRequest("invalid_request", "account must be an account id (acct_…)");
        }
        Reconciliation.Outcome outcome = reconciliation.runOrJoin(checked, account, Reconciliation.TRIGGER_REQUEST,
                JOIN_WAIT);
        if (outcome.report().isEmpty()) {
            ReconcileRun run = runs.find(outcome.runId()).orElseThrow();
            return Response.accepted(RunView.of(run, null))
                    .header("Location", "/admin/reconcile/runs/" + run.id()).build();
        }
        ReconciliationReport report = outcome.report().get();
        return Response.ok(detail ? report : report.withoutDetail()).build();
    }

    @GET
    @Path("runs")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The latest reconciliation runs, newest first, with progress while one runs")
    public RunView.Page list(@QueryParam("limit") Integer limit) {
        int n = limit == null ? 20 : limit;
        if (n < 1 || n > MAX_RUNS) {
            throw BillingProblem.badRequest("invalid_request", "limit must be between 1 and " + MAX_RUNS);
        }
        return new RunView.Page(runs.latest(n).stream().map(r -> RunView.of(r, null)).toList());
    }

    @GET
    @Path("runs/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One reconciliation run: progress while it runs, its drifts once done")
    public RunView run(@PathParam("id") String id) {
        if (id == null || !Ids.WORK_ITEM.matches(id)) {
            throw BillingProblem.badRequest("invalid_request", "id must be a run number");
        }
        ReconcileRun run = runs.find(Long.parseLong(id)).orElseThrow(() ->
                BillingProblem.notFound("reconcile_run_not_found", "no reconciliation run " + id));
        return RunView.of(run, ReconcileRun.DONE.equals(run.state()) ? runs.drifts(run.id()) : null);
    }

    private static String period(String period) {
        if (period == null || period.isBlank()) {
            return Reconciliation.lastClosedPeriod();
        }
        if (!period.matches("[0-9]{4}-(0[1-9]|1[0-2])")) {
            throw BillingProblem.badRequest("invalid_request", "period must be a month as YYYY-MM");
        }
        if (YearMonth.parse(period).isAfter(YearMonth.now(ZoneOffset.UTC))) {
            throw BillingProblem.badRequest("invalid_request", "period " + period + " has not started yet");
        }
        return period;
    }
}
