package com.adventive.billing.it.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The invariants every reliability scenario ends with, checked against what the worker recorded
 * (PostgreSQL), what reached the SMTP server, the bucket and the Stripe stand-in:
 * <ol>
 * <li>every accepted event was processed: stored, and its work item done or skipped (or, where a
 *     scenario allows it, failed with a reason);</li>
 * <li>every finalized invoice has exactly one PDF (one version row, its object in the bucket, no
 *     other object for it) and exactly one {@code invoice_new} email (one sent delivery row, one
 *     message at the SMTP server);</li>
 * <li>no usage record was reported twice (one identifier per record, Stripe counted exactly one
 *     meter event under it; a repeat under the same identifier, idempotency key and payload is
 *     what Stripe deduplicates, and is counted in the summary);</li>
 * <li>nothing is stuck: no work pending or running, no email prepared or sending, no usage
 *     record still recorded; every failure names its reason.</li>
 * </ol>
 * Violations are collected and reported together, with examples, in one AssertionError.
 */
public final class Invariants {

    /** Examples shown per violated invariant. */
    private static final int EXAMPLES = 8;

    private final Db db;
    private final Set<String> acceptedEvents = new HashSet<>();
    private final Map<String, String> finalizedInvoices = new HashMap<>();
    private final Set<String> acceptedUsageSources = new HashSet<>();
    private boolean failuresAllowed;
    private int unknownEmailOutcomesAllowed;
    private long repeatedMeterSends;

    private Invariants(Db db) {
        this.db = db;
    }

    public static Invariants of(Db db) {
        return new Invariants(db);
    }

    /** Events the worker answered 2xx for (queued, duplicate or ignored). */
    public Invariants acceptedEvents(Collection<String> eventIds) {
        acceptedEvents.addAll(eventIds);
        return this;
    }

    /** invoice id → the customer's email (unique per invoice in these scenarios). */
    public Invariants finalizedInvoices(Map<String, String> invoiceToEmail) {
        finalizedInvoices.putAll(invoiceToEmail);
        return this;
    }

    /** source_id of every usage record POST /usage answered {@code accepted} for. */
    public Invariants acceptedUsage(Collection<String> sourceIds) {
        acceptedUsageSources.addAll(sourceIds);
        return this;
    }

    /** A scenario whose faults may legitimately end some work as failed (with a reason) instead of done. */
    public Invariants allowingFailuresWithAReason() {
        failuresAllowed = true;
        return this;
    }

    /**
     * A scenario that kills a worker while it may be sending: up to {@code atMost} invoices may end
     * with their one {@code invoice_new} delivery {@code outcome_unknown} and its work failed with
     * {@code email_outcome_unknown} (the process died between transmitting the message and recording
     * the server's answer, so only an operator may decide to send again), provided the SMTP server
     * holds at most one message for it. Never two.
     */
    public Invariants allowingUnknownEmailOutcomes(int atMost) {
        unknownEmailOutcomesAllowed = atMost;
        return this;
    }

    /** Waits until no work item is pending or running, then checks everything. */
    public Summary awaitAndAssert(Duration drainTimeout) {
        SharedState.awaitNoWorkInFlight(db, drainTimeout);
        return assertHold();
    }

    /** What was found, for the scenario's printout. */
    public record Summary(long events, long workDone, long workSkipped, long workFailed, long invoicesWithPdf,
                          long invoiceEmails, long usageReported, long meterEventsCounted,
                          long meterSendsRepeatedUnderTheSameKey) {
        @Override
        public String toString() {
            return "events=" + events + " work{done=" + workDone + ", skipped=" + workSkipped + ", failed=" + workFailed
                    + "} invoicesWithPdf=" + invoicesWithPdf + " invoiceEmails=" + invoiceEmails
                    + " usageReported=" + usageReported + " meterEventsCounted=" + meterEventsCounted
                    + " meterSendsRepeatedUnderTheSameKey=" + meterSendsRepeatedUnderTheSameKey;
        }
    }

    public Summary assertHold() {
        List<String> violations = new ArrayList<>();

        // 1. every accepted event processed
        Set<String> stored = db.rows("SELECT event_id FROM stripe_event").stream()
                .map(r -> (String) r.get("event_id")).collect(Collectors.toSet());
        report(violations, "accepted but not stored", acceptedEvents.stream().filter(id -> !stored.contains(id)).toList());
        Map<String, Map<String, Object>> workByEvent = new HashMap<>();
        for (Map<String, Object> row : db.rows("SELECT event_id, kind, state, failure_reason, last_error, attempts "
                + "FROM work_item WHERE event_id IS NOT NULL")) {
            workByEvent.put((String) row.get("event_id"), row);
        }
        List<String> unprocessed = new ArrayList<>();
        for (String id : acceptedEvents) {
            Map<String, Object> work = workByEvent.get(id);
            if (work == null) {
                continue; // an ignored type: stored, nothing to do (checked below by disposition)
            }
            String state = (String) work.get("state");
            boolean ok = "done".equals(state) || "skipped".equals(state) || failuresAllowed && "failed".equals(state)
                    || unknownEmailOutcomesAllowed > 0 && "failed".equals(state)
                    && "email_outcome_unknown".equals(work.get("failure_reason"));
            if (!ok) {
                unprocessed.add(id + " " + work);
            }
        }
        report(violations, "accepted event not processed", unprocessed);
        report(violations, "event stored as queued without a work item", db.rows(
                "SELECT e.event_id FROM stripe_event e WHERE e.disposition = 'queued' AND NOT EXISTS "
                        + "(SELECT 1 FROM work_item w WHERE w.event_id = e.event_id)").stream()
                .map(r -> (String) r.get("event_id")).toList());

        // 2. one PDF and one invoice_new email per finalized invoice
        Map<String, Map<String, Object>> invoices = new HashMap<>();
        for (Map<String, Object> row : db.rows("SELECT stripe_invoice_id, acct_id, inv_uuid, pdf_key, pdf_sha256, "
                + "customer_email FROM billing_invoice")) {
            invoices.put((String) row.get("stripe_invoice_id"), row);
        }
        Map<String, Long> versions = countBy("SELECT stripe_invoice_id AS k, COUNT(*) AS n FROM invoice_pdf_version "
                + "GROUP BY stripe_invoice_id");
        Map<String, Long> sentInvoiceNew = countBy("SELECT stripe_invoice_id AS k, COUNT(*) AS n FROM email_delivery "
                + "WHERE template = 'invoice_new' AND status = 'sent' GROUP BY stripe_invoice_id");
        Map<String, Long> anyInvoiceNew = countBy("SELECT stripe_invoice_id AS k, COUNT(*) AS n FROM email_delivery "
                + "WHERE template = 'invoice_new' GROUP BY stripe_invoice_id");
        Map<String, Long> unknownInvoiceNew = countBy("SELECT stripe_invoice_id AS k, COUNT(*) AS n FROM email_delivery "
                + "WHERE template = 'invoice_new' AND status = 'outcome_unknown' GROUP BY stripe_invoice_id");
        Set<String> failedAsUnknown = new HashSet<>();
        Set<String> keys = new HashSet<>(TestComponents.bucket().keys());
        Map<String, Long> keysPerInvoicePrefix = keys.stream()
                .collect(Collectors.groupingBy(k -> k.contains(".") ? k.substring(0, k.indexOf('.')) : k, Collectors.counting()));
        Map<String, Long> mailsPerRecipient = TestComponents.smtp().deliveries().stream()
                .collect(Collectors.groupingBy(d -> d.recipient().toLowerCase(Locale.ROOT), Collectors.counting()));
        List<String> pdfViolations = new ArrayList<>();
        List<String> emailViolations = new ArrayList<>();
        for (var entry : finalizedInvoices.entrySet()) {
            String invoiceId = entry.getKey();
            Map<String, Object> row = invoices.get(invoiceId);
            if (row == null || row.get("pdf_key") == null) {
                pdfViolations.add(invoiceId + ": no PDF recorded");
                continue;
            }
            long versionCount = versions.getOrDefault(invoiceId, 0L);
            String prefix = row.get("acct_id") + "/" + row.get("inv_uuid");
            long objects = keysPerInvoicePrefix.getOrDefault(prefix, 0L);
            if (versionCount != 1 || objects != 1 || !keys.contains((String) row.get("pdf_key"))) {
                pdfViolations.add(invoiceId + ": " + versionCount + " version rows, " + objects + " objects under "
                        + prefix + ", recorded key present: " + keys.contains((String) row.get("pdf_key")));
            }
            long sent = sentInvoiceNew.getOrDefault(invoiceId, 0L);
            long rows = anyInvoiceNew.getOrDefault(invoiceId, 0L);
            long mails = mailsPerRecipient.getOrDefault(entry.getValue().toLowerCase(Locale.ROOT), 0L);
            if (sent == 0 && rows == 1 && mails <= 1 && unknownInvoiceNew.getOrDefault(invoiceId, 0L) == 1
                    && failedAsUnknown.size() < unknownEmailOutcomesAllowed) {
                failedAsUnknown.add(invoiceId); // transmitted by a worker that died before the answer: an operator's call
                continue;
            }
            if (sent != 1 || rows != 1 || mails != 1) {
                emailViolations.add(invoiceId + ": " + sent + " sent invoice_new rows (" + rows + " in all), "
                        + mails + " messages to " + entry.getValue());
            }
        }
        report(violations, "finalized invoice without exactly one PDF", pdfViolations);
        report(violations, "finalized invoice without exactly one invoice_new email", emailViolations);
        // Whatever a scenario declared: no invoice anywhere has two invoice_new rows or two first versions.
        report(violations, "invoice with more than one invoice_new delivery", anyInvoiceNew.entrySet().stream()
                .filter(e -> e.getValue() > 1).map(Map.Entry::toString).toList());

        // 3. no usage record reported twice. Stripe counts a meter event once per identifier (and replays
        // the first answer to a repeated Idempotency-Key): a record whose send was interrupted (a kill
        // between Stripe's answer and the ledger's commit) is re-sent under the same identifier and key,
        // which Stripe deduplicates within its window. Reported twice would be a record counted under
        // two identifiers, or a repeat whose key or payload differs (Stripe would count or refuse it).
        MeterEventStub meter = new MeterEventStub(TestComponents.stripe());
        Map<String, List<MeterEventStub.Sent>> countedByIdentifier = meter.counted().stream()
                .collect(Collectors.groupingBy(s -> String.valueOf(s.identifier())));
        Map<String, Long> countedPerIdentifier = new HashMap<>();
        countedByIdentifier.forEach((identifier, sends) -> countedPerIdentifier.put(identifier, 1L));
        report(violations, "meter event repeated with another idempotency key or payload", countedByIdentifier.values()
                .stream().filter(sends -> sends.stream().map(s -> s.idempotencyKey() + " " + s.form()).distinct().count() > 1
                        || sends.stream().anyMatch(s -> !String.valueOf(s.identifier()).equals(s.idempotencyKey())))
                .map(Object::toString).toList());
        repeatedMeterSends = countedByIdentifier.values().stream().mapToLong(sends -> sends.size() - 1L).sum();
        List<Map<String, Object>> usage = db.rows("SELECT source_id, state, meter_identifier, last_error FROM usage_record");
        Set<String> usageSources = new HashSet<>();
        List<String> usageViolations = new ArrayList<>();
        for (Map<String, Object> record : usage) {
            usageSources.add((String) record.get("source_id"));
            String state = (String) record.get("state");
            long counted = countedPerIdentifier.getOrDefault((String) record.get("meter_identifier"), 0L);
            if ("reported".equals(state) && counted != 1) {
                usageViolations.add(record.get("source_id") + " reported, but Stripe counted " + counted
                        + " meter events under its identifier");
            } else if (!"reported".equals(state) && !(failuresAllowed && record.get("last_error") != null)) {
                usageViolations.add(record.get("source_id") + " " + state + " (" + record.get("last_error") + ")");
            }
        }
        report(violations, "usage record not reported exactly once", usageViolations);
        report(violations, "accepted usage record not in the ledger", acceptedUsageSources.stream()
                .filter(s -> !usageSources.contains(s)).toList());

        // 4. nothing stuck, every failure with a reason
        report(violations, "work stuck in flight", rowsAsText("SELECT id, kind, subject, state, attempts, last_error "
                + "FROM work_item WHERE state IN ('pending', 'running') ORDER BY id"));
        report(violations, "failed work without a reason", rowsAsText("SELECT id, kind, subject, failure_reason, "
                + "last_error FROM work_item WHERE state = 'failed' AND (failure_reason IS NULL OR last_error IS NULL)"));
        if (!failuresAllowed) {
            report(violations, "failed work", rowsAsText("SELECT id, kind, subject, failure_reason, last_error "
                    + "FROM work_item WHERE state = 'failed' AND failure_reason <> 'email_outcome_unknown' ORDER BY id"));
            long unknown = db.count("SELECT COUNT(*) FROM work_item WHERE state = 'failed' "
                    + "AND failure_reason = 'email_outcome_unknown'");
            if (unknown > failedAsUnknown.size()) {
                report(violations, "work failed as email_outcome_unknown beyond what the scenario allows", rowsAsText(
                        "SELECT id, kind, subject, last_error FROM work_item WHERE state = 'failed' "
                                + "AND failure_reason = 'email_outcome_unknown' ORDER BY id"));
            }
        }
        report(violations, "email stuck between prepared and sent", rowsAsText("SELECT id, stripe_invoice_id, template, "
                + "status, last_error FROM email_delivery WHERE status IN ('prepared', 'sending')"));
        if (!violations.isEmpty()) {
            throw new AssertionError("Invariants violated:\n" + String.join("\n", violations));
        }
        return new Summary(stored.size(),
                db.count("SELECT COUNT(*) FROM work_item WHERE state = 'done'"),
                db.count("SELECT COUNT(*) FROM work_item WHERE state = 'skipped'"),
                db.count("SELECT COUNT(*) FROM work_item WHERE state = 'failed'"),
                db.count("SELECT COUNT(*) FROM billing_invoice WHERE pdf_key IS NOT NULL"),
                db.count("SELECT COUNT(*) FROM email_delivery WHERE template = 'invoice_new' AND status = 'sent'"),
                db.count("SELECT COUNT(*) FROM usage_record WHERE state = 'reported'"),
                countedPerIdentifier.size(), repeatedMeterSends);
    }

    private Map<String, Long> countBy(String sql) {
        Map<String, Long> counts = new HashMap<>();
        for (Map<String, Object> row : db.rows(sql)) {
            counts.put((String) row.get("k"), ((Number) row.get("n")).longValue());
        }
        return counts;
    }

    private List<String> rowsAsText(String sql) {
        return db.rows(sql).stream().map(Map::toString).toList();
    }

    private static void report(List<String> violations, String what, List<String> offenders) {
        if (offenders.isEmpty()) {
            return;
        }
        violations.add("- " + what + ": " + offenders.size() + ", e.g. "
                + offenders.subList(0, Math.min(EXAMPLES, offenders.size())));
    }
}
