package com.adventive.billing.work.boundary;

import com.adventive.billing.work.control.WorkLedger;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Queue;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Puts a work item's id on the persistent render queue. Best effort by design: the item is already
 * committed, so if this send is lost the sweeper enqueues it again after the lease.
 */
@ApplicationScoped
public class WorkQueueSender {

    private static final Logger LOG = Logger.getLogger(WorkQueueSender.class.getName());

    @Resource(lookup = "jms/renderConnectionFactory")
    ConnectionFactory connectionFactory;

    @Resource(lookup = "jms/renderQueue")
    Queue queue;

    @Inject
    WorkLedger ledger;

    /** For a new item, whose row already says it is enqueued (saves a transaction per webhook). */
    public boolean wakeNew(long workItemId) {
        if (send(workItemId)) {
            return true;
        }
        try {
            ledger.markNotEnqueued(workItemId);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Could not clear the enqueue mark of work item " + workItemId, e);
        }
        return false;
    }

    public boolean wake(long workItemId) {
        if (!send(workItemId)) {
            return false;
        }
        try {
            ledger.markEnqueued(workItemId);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Could not mark work item " + workItemId + " enqueued", e);
        }
        return true;
    }

    private boolean send(long workItemId) {
        try (JMSContext context = connectionFactory.createContext()) {
            context.createProducer()
                    .setDeliveryMode(DeliveryMode.PERSISTENT)
                    .send(queue, Long.toString(workItemId));
            return true;
        } catch (JMSRuntimeException e) {
            LOG.log(Level.WARNING, "Could not enqueue work item " + workItemId + "; the sweeper will retry", e);
            return false;
        }
    }

    /** Messages waiting on the queue, for health; -1 when the queue cannot be browsed. */
    public int depth() {
        try (JMSContext context = connectionFactory.createContext();
             var browser = context.createBrowser(queue)) {
            int depth = 0;
            var messages = browser.getEnumeration();
            while (messages.hasMoreElements() && depth < 100_000) {
                messages.nextElement();
                depth++;
            }
            return depth;
        } catch (Exception e) {
            return -1;
        }
    }
}
