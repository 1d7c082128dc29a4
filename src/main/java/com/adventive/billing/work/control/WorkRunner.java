package com.adventive.billing.work.control;

import com.adventive.billing.platform.entity.Texts;
import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.work.entity.WorkState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Claims a work item, hands it to the handler for its kind, and records the outcome under the
 * claim it took. While the handler runs, {@link WorkLeases} keeps the claim's lease alive.
 */
@ApplicationScoped
public class WorkRunner {

    private static final Logger LOG = Logger.getLogger(WorkRunner.class.getName());

    @Inject
    WorkLedger ledger;

    @Inject
    WorkLeases leases;

    @Inject
    WorkerIdentity identity;

    @Inject
    WorkHandlers handlers;

    @Inject
    OperationalLog operationalLog;

    @Inject
    WorkGauge gauge;

    public void run(long workItemId) {
        Optional<WorkClaim> claimed = ledger.claim(workItemId, identity.workerId(), identity.runId());
        if (claimed.isEmpty()) {
            return; // done already, not yet due, or another worker holds it: the message was redundant
        }
        WorkClaim claim = claimed.get();
        leases.track(claim);
        gauge.enter();
        try {
            WorkContext context = contextFor(claim);
            work(claim, context, () -> handlerFor(claim.kind()).handle(context));
        } finally {
            gauge.exit();
            leases.untrack(claim);
        }
    }

    /** One run of the work, as the handler sees it. */
    interface Handling {
        WorkState run() throws Exception;
    }

    /** Runs the handler and records its outcome under the claim. */
    void work(WorkClaim claim, WorkContext context, Handling handling) {
        try {
            WorkState outcome = handling.run();
            if (!ledger.finish(claim, outcome)) {
                claimLost(claim, context, outcome.dbValue());
            }
        } catch (WorkDeferred e) {
            if (ledger.defer(claim)) {
                LOG.fine(() -> "Work item " + claim.itemId() + " deferred, attempt not counted: " + e.getMessage());
            } else {
                claimLost(claim, context, "deferred (" + e.getMessage() + ")");
            }
        } catch (PermanentWorkFailure e) {
            if (ledger.fail(claim, e.reason(), e.getMessage())) {
                operationalLog.record(context.operational(), "work_failed", e.reason() + ": " + e.getMessage());
            } else {
                claimLost(claim, context, "failed " + e.reason() + ": " + e.getMessage());
            }
        } catch (Exception e) {
            String error = Texts.describe(e, 1500);
            LOG.log(Level.WARNING, "Work item " + claim.itemId() + " attempt " + claim.attempt() + " failed: " + error, e);
            Optional<WorkState> left = ledger.retryLater(claim, error);
            if (left.isEmpty()) {
                claimLost(claim, context, "to be retried after: " + error);
            } else if (left.get() == WorkState.FAILED) {
                operationalLog.record(context.operational(), "work_failed",
                        "gave up after " + claim.attempt() + " attempts: " + error);
            }
        }
    }

    /**
     * The run outlived its lease and another run took the item over: its outcome must not overwrite
     * what the current claim does or did. The run's side effects were keyed (the email ledger sends
     * once per key), so only its verdict is dropped; it is written down for the operator.
     */
    private void claimLost(WorkClaim claim, WorkContext context, String outcome) {
        String detail = "attempt " + claim.attempt() + " ended as " + outcome + " after its claim had been taken "
                + "over (lease lapsed); this outcome is discarded and the item keeps the state its current claim gives it";
        LOG.warning(() -> "Work item " + claim.itemId() + ": " + detail);
        operationalLog.record(context.operational(), "work_claim_lost", detail);
    }

    private static WorkContext contextFor(WorkClaim claim) {
        return new WorkContext(claim.itemId(), claim.kind(), claim.subject(), claim.attempt(), claim.eventId());
    }

    private WorkHandler handlerFor(String kind) throws PermanentWorkFailure {
        return handlers.forKind(kind)
                .orElseThrow(() -> new PermanentWorkFailure("no_handler", "no handler for work of kind " + kind));
    }

}
