package com.adventive.billing.reconcile.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.time.LocalDateTime;
import java.util.List;

/** A run as GET /admin/reconcile/runs[/{id}] shows it: while running, how far it has come. */
@JsonbPropertyOrder({"id", "period", "account", "trigger", "state", "status", "startedAt", "endedAt", "heartbeatAt",
        "progress", "accountsChecked", "invoicesChecked", "driftCount", "roundingCount", "stripeCalls",
        "stripePagesNeeded", "legacyChecked", "failure", "drifts"})
public record RunView(long id, String period, String account, String trigger, String state, String status,
                      LocalDateTime startedAt, LocalDateTime endedAt, LocalDateTime heartbeatAt, Progress progress,
                      long accountsChecked, long invoicesChecked, long driftCount, long roundingCount,
                      long stripeCalls, long stripePagesNeeded, boolean legacyChecked, String failure,
                      List<ReconciliationReport.Drift> drifts) {

    /** Stripe pages compared so far and the last invoice id compared (the checkpoint). */
    public record Progress(long stripePagesDone, String stripeCursor, long invoicesChecked) {
    }

    public static RunView of(ReconcileRun run, List<ReconciliationReport.Drift> drifts) {
        String status = !ReconcileRun.DONE.equals(run.state()) ? null : run.driftCount() == 0 ? "clean" : "drift";
        return new RunView(run.id(), run.period(), run.acctId(), run.trigger(), run.state(), status, run.startedAt(),
                run.endedAt(), run.heartbeatAt(), new Progress(run.stripePagesDone(), run.stripeCursor(),
                run.invoicesChecked()), run.accountsChecked(), run.invoicesChecked(), run.driftCount(),
                run.roundingCount(), run.stripeCalls(), run.stripePagesNeeded(), run.legacyChecked(), run.failure(),
                drifts);
    }

    public record Page(List<RunView> items) {
    }
}
