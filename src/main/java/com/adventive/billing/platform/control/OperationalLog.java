package com.adventive.billing.platform.control;

import com.adventive.billing.platform.entity.Texts;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.platform.entity.OperationalEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObjectBuilder;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.util.Map;
import java.util.logging.Logger;

/**
 * Records operational events in the operational_event table and as one structured (JSON) log line
 * each, so both the admin API and log search find them. Written in its own transaction: a failure
 * that rolls back the work must still leave its trace.
 */
@ApplicationScoped
@RetriedOnTransientConflict
public class OperationalLog {

    /** Made once: {@code Json.createObjectBuilder} looks the JSON provider up through a ServiceLoader on every call. */
    private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());

    private static final Logger LOG = Logger.getLogger("billing.events");
    private static final int MAX_DETAIL = 4000;

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void record(OperationalContext context, String eventType, String detail) {
        String trimmed = detail == null ? null : Texts.truncate(detail, MAX_DETAIL);
        em.persist(new OperationalEvent(Clock.nowUtc(), eventType, context.stripeEventId(),
                context.stripeInvoiceId(), context.acctId(), context.workItemId(), trimmed));
        // Written here, not at commit: a conflict at commit reaches the retry without its SQL cause
        // (Derby's identity allocator refusing a lock showed up as a bare rollback and a failed attempt).
        em.flush();
        LOG.info(logLine(context, eventType, trimmed));
    }

    private static String logLine(OperationalContext context, String eventType, String detail) {
        JsonObjectBuilder line = JSON.createObjectBuilder().add("event", eventType);
        addIfPresent(line, "event_id", context.stripeEventId());
        addIfPresent(line, "invoice_id", context.stripeInvoiceId());
        addIfPresent(line, "acct_id", context.acctId());
        if (context.workItemId() != null) {
            line.add("work_item_id", context.workItemId());
        }
        addIfPresent(line, "detail", detail);
        return line.build().toString();
    }

    private static void addIfPresent(JsonObjectBuilder line, String name, String value) {
        if (value != null) {
            line.add(name, value);
        }
    }

}
