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
}
