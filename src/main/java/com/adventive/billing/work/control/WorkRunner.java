package com.adventive.billing.work.control;

import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.webhook.entity.StripeEvent;
import com.adventive.billing.work.entity.WorkItem;
import com.adventive.billing.work.entity.WorkState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Claims a work item, hands it to the handler for its kind, and records the outcome. */
@ApplicationScoped
public class WorkRunner {

    private static final Logger LOG = Logger.getLogger(WorkRunner.class.getName());

    @Inject
    WorkLedger ledger;

    @Inject
    Instance<WorkHandler> handlers;

    @Inject
    OperationalLog operationalLog;

    @Inject
    WorkGauge gauge;

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    public void run(long workItemId) {
        Optional<WorkItem> claimed = ledger.claim(workItemId);
        if (claimed.isEmpty()) {
            return; // done already, not yet due, or another worker holds it: the message was redundant
        }
        gauge.enter();
        try {
            work(claimed.get());
        } finally {
            gauge.exit();
        }
    }

    private void work(WorkItem item) {
        StripeEvent event = em.find(StripeEvent.class, item.eventId());
        WorkContext context = new WorkContext(item.id(), event.eventId(), event.eventType(),
                event.apiVersion(), event.payload());
        try {
            WorkState outcome = handlerFor(item.kind()).handle(context);
            ledger.finish(item.id(), outcome);
        } catch (PermanentWorkFailure e) {
            ledger.fail(item.id(), e.reason(), e.getMessage());
            operationalLog.record(context.operational(), "work_failed", e.reason() + ": " + e.getMessage());
        } catch (Exception e) {
            String error = describe(e);
            LOG.log(Level.WARNING, "Work item " + item.id() + " attempt " + item.attempts() + " failed: " + error, e);
            if (ledger.retryLater(item.id(), item.attempts(), error) == WorkState.FAILED) {
                operationalLog.record(context.operational(), "work_failed",
                        "gave up after " + item.attempts() + " attempts: " + error);
            }
        }
    }

    private WorkHandler handlerFor(String kind) throws PermanentWorkFailure {
        for (WorkHandler handler : handlers) {
            if (handler.kind().equals(kind)) {
                return handler;
            }
        }
        throw new PermanentWorkFailure("no_handler", "no handler for work of kind " + kind);
    }

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null && text.length() < 1500; t = t.getCause()) {
            if (!text.isEmpty()) {
                text.append(" <- ");
            }
            text.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                text.append(": ").append(t.getMessage());
            }
        }
        return text.toString();
    }
}
