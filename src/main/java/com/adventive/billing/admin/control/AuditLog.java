package com.adventive.billing.admin.control;

import com.adventive.billing.platform.control.RetriedOnTransientConflict;
import com.adventive.billing.admin.entity.AdminPrincipal;
import com.adventive.billing.admin.entity.AuditRecord;
import com.adventive.billing.platform.control.Clock;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.util.logging.Logger;

/**
 * The audit trail of admin calls: one admin_audit row and one structured (JSON) log line per call,
 * allowed or refused. Rows are written in their own transaction, so a call whose work rolls back
 * still leaves its trace. The log line is written first: if the database is down, the log still has it.
 * Nothing here ever receives a secret or a token; only ids, subjects and emails.
 */
@ApplicationScoped
@RetriedOnTransientConflict
public class AuditLog {

    private static final Logger LOG = Logger.getLogger("billing.audit");

    static final int MAX_PRINCIPAL_ID = 320;
    static final int MAX_METHOD = 16;
    static final int MAX_PATH = 2000;
    static final int MAX_TARGET = 255;

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    /** What was asked: method, path (without query) and the object it concerns, when known. */
    public record Call(String method, String path, String target) {
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void allowed(AdminPrincipal principal, Call call, int status) {
        write(new AuditRecord(Clock.nowUtc(), principal.kind(), cap(principal.getName(), MAX_PRINCIPAL_ID),
                cap(call.method(), MAX_METHOD), cap(call.path(), MAX_PATH), cap(call.target(), MAX_TARGET),
                status, AuditRecord.ALLOWED, null));
    }

    /**
     * @param principalKind what the caller claimed to be, if anything ({@link AdminPrincipal#SERVICE_TOKEN} when
     *                      a client id was sent), else null
     * @param principalId   the client id the caller sent (not verified), else null
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void refused(String principalKind, String principalId, Call call, int status, String reason) {
        write(new AuditRecord(Clock.nowUtc(), principalKind, cap(principalId, MAX_PRINCIPAL_ID),
                cap(call.method(), MAX_METHOD), cap(call.path(), MAX_PATH), cap(call.target(), MAX_TARGET),
                status, AuditRecord.REFUSED, reason));
    }

    private void write(AuditRecord record) {
        LOG.info(logLine(record));
        em.persist(record);
    }

    private static String logLine(AuditRecord record) {
        JsonObjectBuilder line = Json.createObjectBuilder()
                .add("event", "admin_call")
                .add("outcome", record.outcome())
                .add("status", record.status())
                .add("method", record.method())
                .add("path", record.path());
        addIfPresent(line, "principal_kind", record.principalKind());
        addIfPresent(line, "principal_id", record.principalId());
        addIfPresent(line, "target", record.target());
        addIfPresent(line, "reason", record.reason());
        return line.build().toString();
    }

    private static void addIfPresent(JsonObjectBuilder line, String name, String value) {
        if (value != null) {
            line.add(name, value);
        }
    }

    private static String cap(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max - 1) + "…";
    }
}
