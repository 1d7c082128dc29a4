package com.adventive.billing.work.control;

import com.adventive.billing.work.entity.WorkState;

/** Does the work for one kind of event. Must be idempotent: it may run again for the same event. */
public interface WorkHandler {

    String kind();

    /**
     * @return DONE or SKIPPED; throw {@link PermanentWorkFailure} to fail without retrying,
     *         {@link WorkDeferred} to wait without using up an attempt, anything else retries
     */
    WorkState handle(WorkContext context) throws Exception;

    /**
     * Whether a waker of the handler's own capability wakes this kind's new and retried items at a
     * pace (usage reports, paced below Stripe's rate limit). The sweeper then leaves those items to
     * it: waking a backlog of them 500 at a time would flood the queue that invoices share, only for
     * the handler to defer all but its pace. Items the waker did wake and lost stay the sweeper's.
     */
    default boolean wokenAtItsOwnPace() {
        return false;
    }
}
