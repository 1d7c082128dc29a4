package com.adventive.billing.usage.control;

import com.adventive.billing.platform.control.Clock;
import com.adventive.billing.platform.control.RetriedOnTransientConflict;
import com.adventive.billing.work.control.WorkSubmission;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.util.List;

/**
 * Creates usage records' report work at the reporting pace. {@code POST /usage} writes only ledger
 * rows: a work item per record there doubled every batch's inserts, for work that waits its turn at
 * {@code USAGE_REPORT_RATE} anyway. A record is never lost between the two: it stays in the ledger
 * with {@code report_queued_at} null until a waker on some instance creates its work item, and two
 * instances queueing at once never both create one (each record is claimed by a conditional update).
 */
@ApplicationScoped
@RetriedOnTransientConflict
public class UsageReportQueue {

    @Inject
    UsageRows rows;

    @Inject
    WorkSubmission work;

    /**
     * Creates the report work items of up to {@code limit} of the oldest records not queued yet, not
     * woken (the waker wakes due items at its pace); returns how many it created.
     */
    @Transactional
    public int queueOldest(int limit) {
        List<Long> claimed = rows.claimUnqueued(limit, Clock.nowUtc());
        work.submitAllUnwoken(UsageLedger.REPORT_KIND, claimed.stream().map(String::valueOf).toList());
        return claimed.size();
    }
}
