package com.adventive.billing.work.boundary;

import com.adventive.billing.work.control.WorkRunner;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;

import java.util.logging.Logger;

/**
 * Works items off the render queue. How many run at once is set by the activation spec
 * (WORK_CONCURRENCY in server.xml), not here; how many of those render at once is RenderPermits'
 * RENDER_CONCURRENCY. No container transaction: each step commits on its own, and retries are driven
 * by the work item's state, not by JMS redelivery.
 */
@MessageDriven(name = "WorkListener")
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class WorkListener implements MessageListener {

    private static final Logger LOG = Logger.getLogger(WorkListener.class.getName());

    @Inject
    WorkRunner runner;

    @Override
    public void onMessage(Message message) {
        long id;
        try {
            id = Long.parseLong(((TextMessage) message).getText().trim());
        } catch (JMSException | RuntimeException e) {
            LOG.warning("Dropping a render-queue message that does not carry a work item id");
            return;
        }
        runner.run(id);
    }
}
