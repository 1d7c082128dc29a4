package com.adventive.billing.usage.control;

import com.adventive.billing.platform.control.Clock;
import com.adventive.billing.platform.control.Ids;
import com.adventive.billing.platform.control.Settings;
import com.adventive.billing.platform.entity.Texts;
import com.adventive.billing.usage.entity.UsageKey;
import com.adventive.billing.usage.entity.UsageOutcome;
import com.adventive.billing.usage.entity.UsageRecord;
import com.adventive.billing.usage.entity.UsageSubmission;
import com.adventive.billing.work.control.WorkSubmission;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The usage ledger: stores submitted records under their key, in one transaction (their report work
 * is created later, at the reporting pace, by {@link UsageReportQueue}), and moves a record's
 * reporting state forward for {@link UsageReportHandler}.
 */
@ApplicationScoped
public class UsageLedger {

    /** The work kind that reports one ledger record to Stripe; its subject is the record's id. */
    public static final String REPORT_KIND = "usage.report";
    public static final int MAX_RECORDS = 1_000;
    static final int MAX_SOURCE_ID = 200;
    private static final int IN_CHUNK = 500;
    /** Adjustments live in the same ledger under source ids of their own, which records may not use. */
    static final String ADJUSTMENT_PREFIX = "adjustment:";
    static final int MAX_ADJUSTMENT_ID = 150;
    static final int MAX_REASON = 1000;

    @PersistenceContext(unitName = "billing")
    EntityManager em;

    @Inject
    Settings settings;

    @Inject
    WorkSubmission work;

    @Inject
    UsageRows rows;

    /** What one ingest did: an outcome per record. */
    public record Ingested(List<UsageOutcome> outcomes) {
    }

    private record Account(String customerId, String billedBy) {
    }

    /** A record that passed its own checks; {@code identifier} is its key's meter identifier, hashed once. */
    private record Candidate(int index, UsageKey key, String identifier, long quantity, Instant occurredAt,
                             String eventName, long meterTimestamp) {
    }

    /** A period as sent, parsed and judged once per batch (a batch nearly always names one or two). */
    private record PeriodCheck(YearMonth period, String refusal) {
    }

    /**
     * Judges every record on its own and stores the acceptable new ones, in the caller's or a new
     * transaction. A record already stored (or earlier in the same batch) is
     * a duplicate with the same quantity and a conflict with another; neither changes the ledger.
     */
    @Transactional
    public Ingested ingest(List<UsageSubmission> submissions, String recordedBy) {
        Instant now = Instant.now();
        Map<String, String> metrics = settings.usageMetrics();
        long maxQuantity = settings.usageMaxQuantity();
        UsageOutcome[] outcomes = new UsageOutcome[submissions.size()];
        List<Candidate> candidates = new ArrayList<>(submissions.size());
        Map<String, PeriodCheck> periods = new HashMap<>();
        for (int i = 0; i < submissions.size(); i++) {
            UsageSubmission s = submissions.get(i);
            PeriodCheck period = s.period() == null ? null : periods.computeIfAbsent(s.period(), p -> {
                YearMonth month = UsagePeriods.parse(p).orElse(null);
                return new PeriodCheck(month, month == null ? null : UsagePeriods.refusal(month, now));
            });
            String refusal = shapeRefusal(s, period == null ? null : period.period(), metrics, maxQuantity);
            if (refusal == null) {
                refusal = period.refusal();
            }
            Instant occurredAt = null;
            if (refusal == null && s.occurredAt() != null) {
                try {
                    occurredAt = OffsetDateTime.parse(s.occurredAt()).toInstant();
                } catch (DateTimeParseException e) {
                    refusal = "occurred_at must be an ISO-8601 date-time with offset, e.g. 2026-11-03T10:15:30Z";
                }
            }
            if (refusal != null) {
                outcomes[i] = new UsageOutcome(i, UsageOutcome.REJECTED, null, refusal);
                continue;
            }
            UsageKey key = new UsageKey(s.acctId(), s.period(), s.metric(), s.sourceId());
            candidates.add(new Candidate(i, key, key.meterIdentifier(), s.quantity(), occurredAt, metrics.get(s.metric()),
                    UsagePeriods.meterTimestamp(period.period(), occurredAt, now)));
        }

        Map<String, Account> accounts = accounts(candidates.stream().map(c -> c.key().acctId()).toList());
        // The first record of each key whose account may be billed becomes a new row, unless the key is
        // already in the ledger; a later one with the same key is judged against it.
        Map<String, UsageRows.NewRecord> created = new LinkedHashMap<>();
        Map<Integer, String> refusedAccounts = new HashMap<>();
        LocalDateTime stamp = Clock.nowUtc();
        for (Candidate c : candidates) {
            Account account = accounts.get(c.key().acctId());
            String refusal = accountRefusal(c.key().acctId(), account);
            if (refusal != null) {
                refusedAccounts.put(c.index(), refusal);
            } else if (!created.containsKey(c.identifier())) {
                created.put(c.identifier(), new UsageRows.NewRecord(c.key(), c.identifier(), c.quantity(),
                        UsagePeriods.utc(c.occurredAt()), account.customerId(), c.eventName(), c.meterTimestamp(),
                        recordedBy, stamp));
            }
        }
        // In the order of the identifiers: two batches sharing keys then meet at the first shared key
        // (the later waits for the earlier's commit) instead of each holding a key the other needs (a
        // deadlock, which PostgreSQL breaks with an error).
        List<UsageRows.NewRecord> ordered = new ArrayList<>(created.values());
        ordered.sort(java.util.Comparator.comparing(UsageRows.NewRecord::meterIdentifier));
        UsageRows.Written written = rows.insertNew(ordered);
        // what the ledger held before: the keys not inserted, and those of refused accounts (a key
        // already stored stays a duplicate or conflict even if its account is billed elsewhere now)
        List<String> toLookUp = new ArrayList<>(written.alreadyStored());
        for (Candidate c : candidates) {
            if (refusedAccounts.containsKey(c.index())) {
                toLookUp.add(c.identifier());
            }
        }
        Map<String, UsageRows.Stored> stored = toLookUp.isEmpty() ? Map.of() : rows.stored(toLookUp);
        Set<String> answered = new java.util.HashSet<>();
        for (Candidate c : candidates) {
            UsageRows.Stored known = stored.get(c.identifier());
            Long id = written.ids().get(c.identifier());
            if (known != null) {
                outcomes[c.index()] = sameAsStored(c, known);
            } else if (refusedAccounts.containsKey(c.index())) {
                outcomes[c.index()] = rejected(c, refusedAccounts.get(c.index()));
            } else if (id != null && answered.add(c.identifier())) {
                outcomes[c.index()] = new UsageOutcome(c.index(), UsageOutcome.ACCEPTED, id, null);
            } else if (id != null) {
                // a later record of this batch with the key of one just accepted
                outcomes[c.index()] = sameAsStored(c, new UsageRows.Stored(id, created.get(c.identifier()).quantity()));
            } else {
                throw new IllegalStateException("usage key " + c.identifier() + " neither stored nor found");
            }
        }
        // No work item per record here (it doubled a batch's inserts): UsageReportQueue creates the
        // records' report work at the reporting pace, and UsageReportWaker wakes it.
        return new Ingested(List.of(outcomes));
    }

    /** Whether a failed ingest lost a race for a key with a concurrent one: trying again sorts it out. */
    public static boolean isKeyRace(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static String shapeRefusal(UsageSubmission s, YearMonth period, Map<String, String> metrics,
                                       long maxQuantity) {
        if (s.shapeError() != null) {
            return s.shapeError();
        }
        if (s.acctId() == null || !Ids.ACCOUNT.matches(s.acctId())) {
            return "acct_id must be an account id (acct_…)";
        }
        if (period == null) {
            return "period must be a month as YYYY-MM";
        }
        if (s.metric() == null || !metrics.containsKey(s.metric())) {
            return "unknown metric" + (s.metric() == null ? "" : " " + s.metric()) + "; known: " + metrics.keySet();
        }
        if (s.quantity() == null) {
            return "quantity must be a whole number";
        }
        if (s.quantity() < 0 || s.quantity() >= maxQuantity) {
            return "quantity must be at least 0 and below " + maxQuantity;
        }
        if (s.sourceId() == null || s.sourceId().isBlank() || s.sourceId().length() > MAX_SOURCE_ID
                || s.sourceId().chars().anyMatch(Character::isISOControl)) {
            return "source_id must be 1 to " + MAX_SOURCE_ID + " printable characters";
        }
        if (s.sourceId().startsWith(ADJUSTMENT_PREFIX)) {
            return "source_id must not start with " + ADJUSTMENT_PREFIX + " (kept for operators' adjustments)";
        }
        return null;
    }

    /** Why usage of this account is not taken, or null when it is billed through Stripe. */
    private static String accountRefusal(String acctId, Account account) {
        if (account == null) {
            return "unknown account " + acctId;
        }
        if (!"stripe".equals(account.billedBy())) {
            return "account " + acctId + " is billed by " + account.billedBy() + ", not through Stripe";
        }
        if (account.customerId() == null || !Ids.CUSTOMER.matches(account.customerId())) {
            return "account " + acctId + " has no Stripe customer";
        }
        return null;
    }

    private static UsageOutcome sameAsStored(Candidate c, UsageRows.Stored known) {
        if (known.quantity() == c.quantity()) {
            return new UsageOutcome(c.index(), UsageOutcome.DUPLICATE, known.id(), null);
        }
        return new UsageOutcome(c.index(), UsageOutcome.CONFLICT, known.id(), "already recorded with quantity "
                + known.quantity() + "; the ledger is never edited, correct it with an adjustment");
    }

    private static UsageOutcome rejected(Candidate c, String reason) {
        return new UsageOutcome(c.index(), UsageOutcome.REJECTED, null, reason);
    }

    /**
     * Who bills each of these accounts and its Stripe customer. Plain JDBC with {@code ?} marks: a
     * JPA native query's numbered parameters cost EclipseLink time that grows with the square of
     * their count (a batch spread over 500 accounts would pay tens of milliseconds for it).
     */
    private Map<String, Account> accounts(List<String> acctIds) {
        Map<String, Account> accounts = new HashMap<>();
        java.sql.Connection connection = em.unwrap(java.sql.Connection.class);
        for (List<String> chunk : chunks(acctIds)) {
            String sql = "SELECT acct_id, stripe_customer_id, billed_by FROM billing_account WHERE acct_id IN ("
                    + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?")) + ")";
            try (java.sql.PreparedStatement query = connection.prepareStatement(sql)) {
                for (int i = 0; i < chunk.size(); i++) {
                    query.setString(i + 1, chunk.get(i));
                }
                try (java.sql.ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        accounts.put(rows.getString(1), new Account(rows.getString(2), rows.getString(3)));
                    }
                }
            } catch (SQLException e) {
                throw new jakarta.persistence.PersistenceException("could not read " + chunk.size() + " accounts", e);
            }
        }
        return accounts;
    }

    private Map<String, UsageRecord> existing(List<String> identifiers) {
        Map<String, UsageRecord> found = new HashMap<>();
        for (List<String> chunk : chunks(identifiers)) {
            em.createQuery("SELECT r FROM UsageRecord r WHERE r.meterIdentifier IN :ids", UsageRecord.class)
                    .setParameter("ids", chunk)
                    .getResultList()
                    .forEach(r -> found.put(r.meterIdentifier(), r));
        }
        return found;
    }

    private static List<List<String>> chunks(List<String> values) {
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(values));
        List<List<String>> chunks = new ArrayList<>();
        for (int from = 0; from < distinct.size(); from += IN_CHUNK) {
            chunks.add(distinct.subList(from, Math.min(distinct.size(), from + IN_CHUNK)));
        }
        return chunks;
    }

    // --- Reporting: the states UsageReportHandler moves a record through, each in its own transaction. ---

    /** What the handler should do with a record. */
    public sealed interface SendDecision {
        /**
         * Send this event now (the send is recorded as started). {@code checkEvidence} is null, or the
         * figures that showed an unknown send had not landed when this is sent again because of them.
         */
        record Send(String eventName, String customerId, long value, long timestamp, String identifier,
                    String checkEvidence) implements SendDecision { }
        /** Nothing to send: the record is already in this state. */
        record Settled(String state) implements SendDecision { }
        /** Stripe's summaries showed the unknown send landed: now reported, nothing to send. */
        record Confirmed(String acctId, String evidence) implements SendDecision { }
        /** Not now (other sends of the same usage not settled yet): look again later, nothing changed. */
        record Wait(String why) implements SendDecision { }
        /** The unknown send's outcome could not be told: marked outcome_unknown for an operator. */
        record OutcomeUnknown(String why) implements SendDecision { }
        /**
         * A send started too long ago for Stripe to still deduplicate it: read the ledger's figures
         * ({@link #withFigures}), ask Stripe's meter event summaries for the customer, event name and
         * period, then {@link #settleCheck}. Nothing was written; {@code sendAttempts} and
         * {@code sendStartedAt} are the record's when it was looked at, {@code figures} null until read.
         */
        record Check(String acctId, String eventName, String customerId, String period, long sendAttempts,
                     LocalDateTime sendStartedAt, UnknownOutcomeCheck.Figures figures) implements SendDecision {
            Check withFigures(UnknownOutcomeCheck.Figures read) {
                return new Check(acctId, eventName, customerId, period, sendAttempts, sendStartedAt, read);
            }
        }
    }

    /**
     * Decides, under a row lock, whether the record may be sent now. A record already reported, or
     * refused, is never sent again. A record whose first send started longer ago than Stripe keeps
     * identifiers ({@code resendWindow}) without being recorded as reported (or found outcome_unknown
     * before, and retried by an operator) might or might not be counted by Stripe: resending could
     * count it twice, so it is checked against Stripe's summaries first ({@link SendDecision.Check}),
     * outside this lock.
     */
    @Transactional
    public Optional<SendDecision> startSend(long recordId, java.time.Duration resendWindow) {
        UsageRecord record = em.find(UsageRecord.class, recordId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (record == null) {
            return Optional.empty();
        }
        boolean unknown = UsageRecord.OUTCOME_UNKNOWN.equals(record.state());
        if (!UsageRecord.RECORDED.equals(record.state()) && !unknown) {
            return Optional.of(new SendDecision.Settled(record.state()));
        }
        LocalDateTime now = Clock.nowUtc();
        if (unknown || record.sendStartedAt() != null && record.sendStartedAt().plus(resendWindow).isBefore(now)) {
            if (record.quantity() == 0) {
                return Optional.of(apply(record, UnknownOutcomeCheck.ZERO_QUANTITY, null, now));
            }
            // The ledger's figures are read in a transaction of their own, holding no row lock: on Derby a
            // read waits for rows another transaction locked, and two checks of the same usage each holding
            // its record while reading the other's would deadlock.
            return Optional.of(new SendDecision.Check(record.acctId(), record.eventName(), record.stripeCustomerId(),
                    record.period(), record.sendAttempts(), record.sendStartedAt(), null));
        }
        record.sendStarting(now);
        return Optional.of(send(record, null));
    }

    /** The check with what the ledger holds now for the record's usage, read holding no lock. */
    @Transactional
    public SendDecision.Check withFigures(long recordId, SendDecision.Check check, java.time.Duration resendWindow) {
        UsageRecord record = em.find(UsageRecord.class, recordId);
        return check.withFigures(record == null ? null : figures(record, Clock.nowUtc(), resendWindow));
    }

    /**
     * Settles a {@link SendDecision.Check} with what Stripe's summaries add up to (empty: no meter for
     * the event name), under the record's row lock. The record and the ledger's figures are read
     * again first: if anything moved while Stripe was asked (another item settled the record, another
     * send of the same usage started or was reported), the totals no longer compare and the answer is
     * to look again later.
     */
    @Transactional
    public SendDecision settleCheck(long recordId, SendDecision.Check asked, Optional<java.math.BigDecimal> stripeTotal,
                                    String meterId, String aggregation, java.time.Duration resendWindow) {
        UsageRecord record = em.find(UsageRecord.class, recordId);
        if (record == null) {
            return new SendDecision.Settled("missing");
        }
        LocalDateTime now = Clock.nowUtc();
        // read before the row lock is taken, for the reason given in startSend
        UnknownOutcomeCheck.Figures figures = figures(record, now, resendWindow);
        em.refresh(record, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (!UsageRecord.RECORDED.equals(record.state()) && !UsageRecord.OUTCOME_UNKNOWN.equals(record.state())) {
            return new SendDecision.Settled(record.state());
        }
        if (record.sendAttempts() != asked.sendAttempts()
                || !java.util.Objects.equals(record.sendStartedAt(), asked.sendStartedAt())) {
            return new SendDecision.Wait("the record was sent meanwhile by another run; looking again");
        }
        if (!figures.equals(asked.figures())) {
            return new SendDecision.Wait("the ledger's figures for the same usage changed while Stripe was asked ("
                    + asked.figures() + " then " + figures + "); looking again");
        }
        UnknownOutcomeCheck.Verdict verdict = UnknownOutcomeCheck.decide(figures, stripeTotal, aggregation);
        String evidence = "checked at " + now + " UTC, customer " + record.stripeCustomerId() + ", meter "
                + (meterId == null ? "none" : meterId) + " (event name " + record.eventName() + "), period "
                + record.period() + ": " + verdict.reason();
        return apply(record, verdict, evidence, now);
    }

    /** Acts on a verdict about a record whose send's outcome is unknown; the record is locked. */
    private SendDecision apply(UsageRecord record, UnknownOutcomeCheck.Verdict verdict, String evidence,
                               LocalDateTime now) {
        return switch (verdict.kind()) {
            case RESEND -> {
                record.resendStarting(now);
                yield send(record, evidence == null ? verdict.reason() : evidence);
            }
            case LANDED -> {
                record.reportedFromSummaries(Texts.truncate(evidence, 3500), now);
                yield new SendDecision.Confirmed(record.acctId(), evidence);
            }
            case WAIT -> new SendDecision.Wait(verdict.reason());
            case MISMATCH -> {
                String why = "first send started at " + record.sendStartedAt() + " UTC and its outcome is unknown: "
                        + "Stripe no longer deduplicates its identifier, so resending could count it twice. "
                        + (evidence == null ? verdict.reason() : "Stripe's summaries do not tell either: " + evidence)
                        + ". Compare with GET /admin/usage/stripe-check?account=" + record.acctId() + "&period="
                        + record.period() + ", then record a positive adjustment if it was never counted, or leave it";
                record.outcomeUnknown(Texts.truncate(why, 2000));
                yield new SendDecision.OutcomeUnknown(why);
            }
        };
    }

    /**
     * The record's unknown send could not be checked because Stripe refused the summaries request for
     * good (not a 429, 5xx or network failure): marked outcome_unknown for an operator.
     */
    @Transactional
    public SendDecision checkRefused(long recordId, String stripeError) {
        UsageRecord record = em.find(UsageRecord.class, recordId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (record == null || !UsageRecord.RECORDED.equals(record.state())
                && !UsageRecord.OUTCOME_UNKNOWN.equals(record.state())) {
            return new SendDecision.Settled(record == null ? "missing" : record.state());
        }
        String why = "first send started at " + record.sendStartedAt() + " UTC and its outcome is unknown: Stripe no "
                + "longer deduplicates its identifier, so resending could count it twice, and Stripe refused the meter "
                + "event summaries it would be checked against (" + Texts.truncate(stripeError, 500) + "). Compare with "
                + "GET /admin/usage/stripe-check?account=" + record.acctId() + "&period=" + record.period()
                + ", then record a positive adjustment if it was never counted, or leave it";
        record.outcomeUnknown(Texts.truncate(why, 2000));
        return new SendDecision.OutcomeUnknown(why);
    }

    private static SendDecision.Send send(UsageRecord record, String checkEvidence) {
        return new SendDecision.Send(record.eventName(), record.stripeCustomerId(), record.quantity(),
                record.meterTimestamp(), record.meterIdentifier(), checkEvidence);
    }

    /**
     * The ledger's side of the comparison: the entries Stripe's summary for the record's customer and
     * meter over the period can contain, i.e. the same account, period and metric (indexed) sent to
     * the same customer under the same event name. Never-sent, refused and credit_due entries are not
     * in Stripe and do not count.
     */
    private UnknownOutcomeCheck.Figures figures(UsageRecord record, LocalDateTime now, java.time.Duration resendWindow) {
        LocalDateTime windowStart = now.minus(resendWindow);
        LocalDateTime settledBefore = now.minusMinutes(UnknownOutcomeCheck.SUMMARY_SETTLE_MINUTES);
        List<Object[]> rows = em.createQuery("SELECT r.id, r.state, r.quantity, r.sendStartedAt, r.reportedAt "
                        + "FROM UsageRecord r WHERE r.acctId = :acct AND r.period = :period AND r.metric = :metric "
                        + "AND r.stripeCustomerId = :customer AND r.eventName = :eventName "
                        + "AND r.state IN (:reported, :recorded, :unknown)", Object[].class)
                .setParameter("acct", record.acctId())
                .setParameter("period", record.period())
                .setParameter("metric", record.metric())
                .setParameter("customer", record.stripeCustomerId())
                .setParameter("eventName", record.eventName())
                .setParameter("reported", UsageRecord.REPORTED)
                .setParameter("recorded", UsageRecord.RECORDED)
                .setParameter("unknown", UsageRecord.OUTCOME_UNKNOWN)
                .getResultList();
        long reported = 0;
        long unknownTotal = record.quantity();
        int unknownCount = 1;
        int inFlight = 0;
        int recent = 0;
        for (Object[] row : rows) {
            if (record.id().equals(((Number) row[0]).longValue())) {
                continue;
            }
            String state = (String) row[1];
            long quantity = ((Number) row[2]).longValue();
            LocalDateTime started = (LocalDateTime) row[3];
            LocalDateTime reportedAt = (LocalDateTime) row[4];
            if (UsageRecord.REPORTED.equals(state)) {
                reported += quantity;
                if (reportedAt == null || !reportedAt.isBefore(settledBefore)) {
                    recent++;
                }
            } else if (UsageRecord.OUTCOME_UNKNOWN.equals(state)
                    || started != null && started.isBefore(windowStart)) {
                unknownTotal += quantity;
                unknownCount++;
            } else if (started != null) {
                inFlight++;
            }
        }
        return new UnknownOutcomeCheck.Figures(record.quantity(), reported, unknownTotal, unknownCount, inFlight, recent);
    }

    @Transactional
    public void reported(long recordId, String stripeResponse) {
        UsageRecord record = em.find(UsageRecord.class, recordId);
        if (record != null && !UsageRecord.REPORTED.equals(record.state())) {
            record.reported(Texts.truncate(stripeResponse, 4000), Clock.nowUtc());
        }
    }

    @Transactional
    public void sendFailed(long recordId, String error) {
        UsageRecord record = em.find(UsageRecord.class, recordId);
        if (record != null && UsageRecord.RECORDED.equals(record.state())) {
            record.sendFailed(Texts.truncate(error, 2000));
        }
    }

    @Transactional
    public void refused(long recordId, String error) {
        UsageRecord record = em.find(UsageRecord.class, recordId);
        if (record != null && UsageRecord.RECORDED.equals(record.state())) {
            record.failed(Texts.truncate(error, 2000));
        }
    }

    // --- Reads ---

    @Transactional
    public List<UsageRecord> records(String acctId, String period, int limit) {
        return em.createQuery("SELECT r FROM UsageRecord r WHERE r.acctId = :acct AND r.period = :period "
                        + "ORDER BY r.id", UsageRecord.class)
                .setParameter("acct", acctId)
                .setParameter("period", period)
                .setMaxResults(limit)
                .getResultList();
    }

    /** Quantity and count per metric and state, over the whole period (not only the listed records). */
    @Transactional
    public List<Object[]> totals(String acctId, String period) {
        return em.createQuery("SELECT r.metric, r.state, COUNT(r), SUM(r.quantity), r.entryKind FROM UsageRecord r "
                        + "WHERE r.acctId = :acct AND r.period = :period GROUP BY r.metric, r.entryKind, r.state "
                        + "ORDER BY r.metric, r.entryKind DESC, r.state", Object[].class)
                .setParameter("acct", acctId)
                .setParameter("period", period)
                .getResultList();
    }

    // --- Adjustments: corrections as new entries, never edits. ---

    /** What an adjustment did: {@code accepted} (new) or {@code duplicate}; {@code workId} to wake, if any. */
    public record Adjusted(String status, UsageRecord entry, Long workId) {
    }

    /**
     * Records an operator's correction as a new ledger entry under the key (account, period, metric,
     * {@code adjustment:<adjustment_id>}), so sending the same adjustment again changes nothing. A
     * positive quantity is reported to Stripe as one more meter event; a negative one is
     * {@code credit_due}: Stripe meters refuse negative values, so it is never sent, and the
     * overcharge is refunded with a credit note.
     */
    @Transactional
    public Adjusted adjust(String acctId, String period, String metric, Long quantity, String adjustmentId,
                           String reason, String who) {
        Instant now = Instant.now();
        Map<String, String> metrics = settings.usageMetrics();
        if (acctId == null || !Ids.ACCOUNT.matches(acctId)) {
            throw invalidAdjustment("acct_id must be an account id (acct_…)");
        }
        YearMonth month = UsagePeriods.parse(period)
                .orElseThrow(() -> invalidAdjustment("period must be a month as YYYY-MM"));
        if (metric == null || !metrics.containsKey(metric)) {
            throw invalidAdjustment("unknown metric" + (metric == null ? "" : " " + metric) + "; known: " + metrics.keySet());
        }
        long maxQuantity = settings.usageMaxQuantity();
        if (quantity == null || quantity == 0 || Math.abs(quantity) >= maxQuantity) {
            throw invalidAdjustment("quantity must be a whole number, not 0, between -" + maxQuantity + " and "
                    + maxQuantity + " exclusive (negative takes usage back)");
        }
        if (adjustmentId == null || adjustmentId.isBlank() || adjustmentId.length() > MAX_ADJUSTMENT_ID
                || adjustmentId.chars().anyMatch(Character::isISOControl)) {
            throw invalidAdjustment("adjustment_id (your key for this correction, e.g. the ticket) must be 1 to "
                    + MAX_ADJUSTMENT_ID + " printable characters");
        }
        if (reason == null || reason.isBlank() || reason.length() > MAX_REASON) {
            throw invalidAdjustment("reason must be 1 to " + MAX_REASON + " characters");
        }
        if (UsagePeriods.start(month).isAfter(now)) {
            throw invalidAdjustment("period " + month + " has not started");
        }
        if (quantity > 0) {
            String refusal = UsagePeriods.refusal(month, now);
            if (refusal != null) {
                throw invalidAdjustment(refusal + "; take the usage into a later invoice with a managed job, "
                        + "or refund an overcharge with a credit note");
            }
        }
        UsageKey key = new UsageKey(acctId, period, metric, ADJUSTMENT_PREFIX + adjustmentId);
        Optional<UsageRecord> known = existing(List.of(key.meterIdentifier())).values().stream().findFirst();
        if (known.isPresent()) {
            UsageRecord entry = known.get();
            if (entry.quantity() != quantity) {
                throw com.adventive.billing.platform.control.BillingProblem.conflict("adjustment_conflict",
                        "adjustment " + adjustmentId + " is already recorded with quantity " + entry.quantity()
                                + " (entry " + entry.id() + "); the ledger is never edited, record another adjustment");
            }
            return new Adjusted("duplicate", entry, null);
        }
        Account account = accounts(List.of(acctId)).get(acctId);
        if (account == null) {
            throw com.adventive.billing.platform.control.BillingProblem.notFound("account_not_found",
                    "unknown account " + acctId);
        }
        if (!"stripe".equals(account.billedBy()) || account.customerId() == null
                || !Ids.CUSTOMER.matches(account.customerId())) {
            throw com.adventive.billing.platform.control.BillingProblem.conflict("legacy_account", "account " + acctId
                    + " is billed by " + account.billedBy() + ", not through Stripe: its usage is not adjusted here");
        }
        long timestamp = quantity > 0 ? UsagePeriods.meterTimestamp(month, null, now)
                : Math.min(UsagePeriods.end(month).getEpochSecond(), now.getEpochSecond());
        UsageRecord entry = UsageRecord.adjustment(key, quantity, account.customerId(), metrics.get(metric), timestamp,
                reason.strip(), who, Clock.nowUtc());
        em.persist(entry);
        em.flush();
        Long workId = quantity > 0 ? work.submit(REPORT_KIND, Long.toString(entry.id())) : null;
        return new Adjusted("accepted", entry, workId);
    }

    private static com.adventive.billing.platform.control.BillingProblem invalidAdjustment(String detail) {
        return com.adventive.billing.platform.control.BillingProblem.badRequest("invalid_adjustment", detail);
    }

    /** The account's Stripe customer and who bills it, or empty when the account is unknown. */
    @Transactional
    public Optional<String[]> account(String acctId) {
        Account account = accounts(List.of(acctId)).get(acctId);
        return account == null ? Optional.empty() : Optional.of(new String[] {account.customerId(), account.billedBy()});
    }

    /** How many report work items are not finished: pending (due or not, woken or not) or running now. */
    @Transactional
    public long unfinishedReportWork() {
        return em.createQuery("SELECT COUNT(w) FROM WorkItem w WHERE w.kind = :kind AND w.state IN (:pending, :running)",
                        Long.class)
                .setParameter("kind", REPORT_KIND)
                .setParameter("pending", com.adventive.billing.work.entity.WorkState.PENDING.dbValue())
                .setParameter("running", com.adventive.billing.work.entity.WorkState.RUNNING.dbValue())
                .getSingleResult();
    }

    /** Due report work that no message has woken yet, oldest first: what {@code UsageReportWaker} wakes. */
    @Transactional
    public List<Long> reportWorkToWake(int limit) {
        return em.createQuery("SELECT w.id FROM WorkItem w WHERE w.kind = :kind AND w.state = :pending "
                        + "AND w.enqueuedAt IS NULL AND w.nextAttemptAt <= :now ORDER BY w.id", Long.class)
                .setParameter("kind", REPORT_KIND)
                .setParameter("pending", com.adventive.billing.work.entity.WorkState.PENDING.dbValue())
                .setParameter("now", Clock.nowUtc())
                .setMaxResults(limit)
                .getResultList();
    }

    static Set<String> states() {
        return Set.of(UsageRecord.RECORDED, UsageRecord.REPORTED, UsageRecord.FAILED, UsageRecord.OUTCOME_UNKNOWN,
                UsageRecord.CREDIT_DUE);
    }
}
