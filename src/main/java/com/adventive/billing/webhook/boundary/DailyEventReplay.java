package com.adventive.billing.webhook.boundary;

import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.platform.control.StripeGateway;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.webhook.control.EventReplay;
import com.adventive.billing.work.boundary.WorkQueueSender;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;

import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every day at 05:30 UTC: stores the events of the last 30 days Stripe could not deliver (it
 * stops retrying after 3 days), before the 06:00 reconciliation looks at the day. The outcome is an
 * operational event, events_replayed or events_replay_failed.
 */
@Singleton
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class DailyEventReplay {

    private static final Logger LOG = Logger.getLogger(DailyEventReplay.class.getName());
    private static final OperationalContext NO_CONTEXT = new OperationalContext(null, null, null, null);

    @Inject
    EventReplay replay;

    @Inject
    StripeGateway stripe;

    @Inject
    WorkQueueSender workQueue;

    @Inject
    OperationalLog operationalLog;

    @Schedule(hour = "5", minute = "30", timezone = "UTC", persistent = false, info = "daily-event-replay")
    void daily() {
        if (!stripe.isConfigured()) {
            return; // a local run without a Stripe key has no events to list
        }
        try {
            EventReplay.Result result = replay.replay(EventReplay.oldestAvailable(Instant.now()));
            result.queuedWorkItems().forEach(workQueue::wakeNew);
            operationalLog.record(NO_CONTEXT, "events_replayed", "listed=" + result.listed() + " already_known="
                    + result.alreadyKnown() + " newly_stored=" + result.newlyStored() + " queued=" + result.queued()
                    + (result.newEventIds().isEmpty() ? "" : " new=" + String.join(",", result.newEventIds())));
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Daily event replay failed", e);
            operationalLog.record(NO_CONTEXT, "events_replay_failed", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
