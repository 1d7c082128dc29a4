package com.adventive.billing.reconcile.control;

import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.platform.control.OperationalLog;
import com.adventive.billing.platform.control.StripeGateway;
import com.adventive.billing.platform.entity.OperationalContext;
import com.adventive.billing.platform.entity.Texts;
import com.adventive.billing.reconcile.entity.LegacyBilling;
import com.adventive.billing.reconcile.entity.ReconcileRun;
import com.adventive.billing.reconcile.entity.ReconciliationReport;
import com.adventive.billing.reconcile.entity.ReconciliationReport.Drift;
import com.adventive.billing.reconcile.entity.StagedBill;
import com.adventive.billing.reconcile.entity.StripeBill;
import com.stripe.exception.StripeException;
import com.stripe.model.Invoice;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.BatchStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One reconciliation of a period (and optionally one account): the worker's records against the
 * period's Stripe invoices (listed 100 a page) and the legacy system, plus the delivery checks.
 *
 * <p>A run is stored and worked by the Jakarta Batch job {@code reconcile}
 * (META-INF/batch-jobs/reconcile.xml): step 1 stages the Stripe side page by page with the page's
 * cursor as checkpoint, step 2 compares. A run interrupted by a crash is restarted from its last
 * checkpoint (at the next start, or when the same check is asked for again). A request while the
 * same check runs joins that run instead of starting another. Any drift raises the
 * {@code reconciliation_drift} operational event.
 */
@ApplicationScoped
public class Reconciliation {

    private static final Logger LOG = Logger.getLogger(Reconciliation.class.getName());

    public static final String JOB = "reconcile";
    public static final String TRIGGER_REQUEST = "request";
    public static final String TRIGGER_SCHEDULE = "schedule";

    @Inject
    ReconcileRuns runs;

    @Inject
    WorkerRecords workerRecords;

    @Inject
    StripeInvoiceListing listing;

    @Inject
    StripeBills stripeBills;

    @Inject
    LegacyReader legacyReader;

    @Inject
    DeliveryReconciliation delivery;

    @Inject
    StripeGateway stripe;

    @Inject
    OperationalLog operationalLog;

    /** The last closed period: the month before the current UTC month. */
    public static String lastClosedPeriod() {
        return YearMonth.now(ZoneOffset.UTC).minusMonths(1).toString();
    }

    /** A run's id and, once finished, its report. */
    public record Outcome(long runId, Optional<ReconciliationReport> report) {
    }

    /**
     * Starts the check (or joins the same check already running, or restarts it from its checkpoint
     * when it was interrupted) and waits for it at most {@code wait}. The report is empty when the
     * run is still going after the wait.
     */
    public Outcome runOrJoin(String period, String account, String trigger, Duration wait) {
        return runOrJoin(period, account, trigger, wait, runId -> { });
    }

    /**
     * As {@link #runOrJoin(String, String, String, Duration)}, telling {@code runKnown} the run's id as
     * soon as it is started or joined (before waiting for it), e.g. to record it on a timer's firing.
     */
    public Outcome runOrJoin(String period, String account, String trigger, Duration wait,
                             java.util.function.LongConsumer runKnown) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<ReconcileRun> running = runs.running(period, account);
            if (running.isPresent()) {
                ReconcileRun run = running.get();
                if (!resume(run)) {
                    runs.fail(run.id(), "abandoned: no progress for " + ReconcileRuns.ABANDONED_AFTER.toMinutes()
                            + " minutes and its job cannot be restarted; a new run took over");
                    continue;
                }
                runKnown.accept(run.id());
                return join(run.id(), wait);
            }
            Optional<Long> started = runs.start(period, account, trigger);
            if (started.isPresent()) {
                runKnown.accept(started.get());
                launch(started.get(), period, account);
                return join(started.get(), wait);
            }
        }
        throw BillingProblem.conflict("reconcile_busy", "another reconciliation of " + period + " keeps starting; "
                + "see GET /admin/reconcile/runs");
    }

    /** At start (and before each scheduled run): every run a crash interrupted goes on from its last checkpoint. */
    public void resumeInterrupted() {
        for (ReconcileRun run : runs.unfinished()) {
            if (!resume(run)) {
                runs.fail(run.id(), "abandoned: its job cannot be restarted");
            }
        }
    }

    private void launch(long runId, String period, String account) {
        Properties parameters = new Properties();
        parameters.setProperty("runId", Long.toString(runId));
        parameters.setProperty("period", period);
        parameters.setProperty("account", account == null ? "" : account);
        try {
            long execution = BatchRuntime.getJobOperator().start(JOB, parameters);
            runs.executedBy(runId, execution);
        } catch (RuntimeException e) {
            runs.fail(runId, "the batch job did not start: " + Texts.describe(e, 1_000));
            throw BillingProblem.unavailable("reconcile_failed", "reconciliation run " + runId
                    + " could not start its batch job; run it again", 60);
        }
    }

    /**
     * Whether the run is being worked: its job is running (and the run's heartbeat is recent), or it
     * stopped or failed with the server (a crash) and is restarted here from its last checkpoint.
     */
    private boolean resume(ReconcileRun run) {
        if (run.batchExecutionId() == null) {
            return !ReconcileRuns.isStale(run);
        }
        try {
            JobOperator jobs = BatchRuntime.getJobOperator();
            BatchStatus status = jobs.getJobExecution(run.batchExecutionId()).getBatchStatus();
            if (status == BatchStatus.FAILED || status == BatchStatus.STOPPED) {
                Properties parameters = jobs.getParameters(run.batchExecutionId());
                long execution = jobs.restart(run.batchExecutionId(), parameters);
                runs.executedBy(run.id(), execution);
                LOG.info("reconciliation run " + run.id() + " restarted from its last checkpoint (page "
                        + run.stripePagesDone() + ", execution " + execution + ")");
                return true;
            }
            return (status == BatchStatus.STARTING || status == BatchStatus.STARTED) && !ReconcileRuns.isStale(run);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "reconciliation run " + run.id() + " could not be restarted", e);
            return false;
        }
    }

    private Outcome join(long runId, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            ReconcileRun run = runs.find(runId).orElseThrow();
            if (!ReconcileRun.RUNNING.equals(run.state())) {
                return new Outcome(runId, Optional.of(report(run)));
            }
            if (System.nanoTime() > deadline) {
                return new Outcome(runId, Optional.empty());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(runId, Optional.empty());
            }
        }
    }

    /** A finished run's report, from what was stored. */
    public ReconciliationReport report(ReconcileRun run) {
        if (ReconcileRun.FAILED.equals(run.state())) {
            throw BillingProblem.unavailable("reconcile_failed", "reconciliation run " + run.id() + " failed: "
                    + run.failure() + "; run it again (it starts a new run)", 60);
        }
        List<Drift> drifts = runs.drifts(run.id());
        return ReconciliationReport.of(run.accountsChecked(), run.invoicesChecked(), drifts, run.period(), run.acctId(),
                run.id(), run.stripeCalls(), run.stripePagesNeeded(), run.legacyChecked());
    }

    // --- The batch job's steps ---

    public boolean stripeConfigured() {
        return stripe.isConfigured();
    }

    /** Step 1, reader: the page after {@code cursor} (429 backs off and asks again), counted on the run. */
    public StripeGateway.InvoicePage readPage(long runId, String period, String cursor) throws Exception {
        ReconcileRun run = runs.find(runId).orElseThrow();
        StripeInvoiceListing.Counter counter = new StripeInvoiceListing.Counter(run.stripeCalls(), run.stripePagesNeeded());
        YearMonth month = YearMonth.parse(period);
        long from = month.atDay(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
        long to = month.plusMonths(2).atDay(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
        try {
            StripeGateway.InvoicePage page = listing.page(from, to, cursor, counter);
            runs.calls(runId, counter.calls(), counter.pagesNeeded());
            return page;
        } catch (StripeException | RuntimeException e) {
            runs.calls(runId, counter.calls(), counter.pagesNeeded());
            failed(runId, period, e);
            throw e;
        }
    }

    /** Step 1, writer: the page's invoices of the period, with the account each belongs to, staged on the run. */
    public void stagePage(long runId, String period, String account, StripeGateway.InvoicePage page,
                          StripeBills.PriceCache prices) throws Exception {
        ReconcileRun run = runs.find(runId).orElseThrow();
        StripeInvoiceListing.Counter counter = new StripeInvoiceListing.Counter(run.stripeCalls(), run.stripePagesNeeded());
        try {
            Map<String, String> accountByCustomer = runs.accountsOf(page.invoices());
            List<StagedBill> staged = new ArrayList<>();
            for (Invoice invoice : page.invoices()) {
                if (!period.equals(StripeBills.periodOf(invoice))) {
                    continue;
                }
                String acct = accountByCustomer.get(invoice.getCustomer());
                if (acct == null) {
                    acct = StripeBills.metadataAccount(invoice);
                }
                if (account != null && !account.equals(acct)) {
                    continue;
                }
                StripeBill bill = stripeBills.bill(invoice, acct, prices, counter);
                staged.add(new StagedBill(runId, bill.invoiceId(), acct, BillJson.write(bill)));
            }
            runs.stage(runId, staged, page.lastId() != null ? page.lastId() : run.stripeCursor(), counter.calls(),
                    counter.pagesNeeded());
        } catch (StripeException | RuntimeException e) {
            failed(runId, period, e);
            throw e;
        }
    }

    /** Step 2: compare the staged Stripe side with the worker's records and the legacy system; store the run's drifts. */
    @Transactional(Transactional.TxType.NOT_SUPPORTED)
    public void compareStaged(long runId) {
        ReconcileRun run = runs.find(runId).orElseThrow();
        String period = run.period();
        String account = run.acctId();
        try {
            ReconciliationReport report = compare(run);
            runs.finish(runId, report);
            if (report.driftCount() > 0) {
                operationalLog.record(new OperationalContext(null, null, account, null), "reconciliation_drift",
                        "run=" + runId + " period=" + period + " accounts_checked=" + report.accountsChecked()
                                + " drift_count=" + report.driftCount() + " kinds=" + kinds(report));
            }
        } catch (RuntimeException e) {
            failed(runId, period, e);
            throw e;
        }
    }

    private void failed(long runId, String period, Exception e) {
        LOG.log(Level.WARNING, "reconciliation run " + runId + " failed", e);
        String why = Texts.describe(e, 1_500);
        runs.fail(runId, why);
        operationalLog.record(new OperationalContext(null, null, null, null), "reconciliation_failed",
                "run=" + runId + " period=" + period + " " + why);
    }

    private static String kinds(ReconciliationReport report) {
        Map<String, Integer> counts = new TreeMap<>();
        report.drifts().stream().filter(Drift::counted).forEach(d -> counts.merge(d.kind(), 1, Integer::sum));
        return counts.toString();
    }

    /**
     * Sorts the period's bills by the account each was resolved to when staged: from the account
     * table, or from the invoice's {@code acct_id} metadata for a customer the table has no row for
     * (as the worker resolves it when it delivers the invoice). Such an account is compared like any
     * other: a subscription's plan fee (licensed lines) is Stripe's business, so an invoice of plan
     * fees only is clean. Only a bill no account was resolved for is {@code unknown}.
     */
    static void byAccount(List<StripeBill> bills, Map<String, List<StripeBill>> billsByAccount, List<StripeBill> unknown) {
        for (StripeBill bill : bills) {
            if (bill.acctId() == null) {
                unknown.add(bill);
            } else {
                billsByAccount.computeIfAbsent(bill.acctId(), a -> new ArrayList<>()).add(bill);
            }
        }
    }

    private static StripeBill withAccount(StripeBill bill, String acct) {
        return new StripeBill(bill.invoiceId(), bill.customerId(), acct, bill.period(), bill.currency(), bill.status(),
                bill.total(), bill.amountDue(), bill.creditNotesAmount(), bill.lines());
    }

    private ReconciliationReport compare(ReconcileRun run) {
        String period = run.period();
        String account = run.acctId();
        WorkerRecords.Snapshot worker = workerRecords.read(period, account);
        LegacyBilling legacy = legacyReader.read(period, account);

        List<StagedBill> staged = runs.staged(run.id());
        List<StripeBill> bills = new ArrayList<>(staged.size());
        for (StagedBill row : staged) {
            StripeBill bill = BillJson.read(row.billJson());
            bills.add(row.acctId() == null || row.acctId().equals(bill.acctId()) ? bill : withAccount(bill, row.acctId()));
        }
        Map<String, List<StripeBill>> billsByAccount = new HashMap<>();
        List<StripeBill> unknown = new ArrayList<>();
        byAccount(bills, billsByAccount, unknown);

        Set<String> accounts = new LinkedHashSet<>();
        if (account != null) {
            accounts.add(account);
        } else {
            worker.accounts().values().stream().filter(a -> !a.billedByLegacy()).forEach(a -> accounts.add(a.acctId()));
            accounts.addAll(worker.usage().keySet());
            accounts.addAll(billsByAccount.keySet());
        }
        List<Drift> drifts = new ArrayList<>();
        if (stripe.isConfigured()) {
            for (String acct : accounts) {
                drifts.addAll(MoneyComparison.compare(period, worker.book(acct),
                        billsByAccount.getOrDefault(acct, List.of()), legacy));
            }
            for (StripeBill bill : unknown) {
                drifts.add(MoneyComparison.unknownAccount(period, bill));
            }
        } else {
            LOG.warning("STRIPE_SECRET_KEY is not set: reconciliation compared nothing with Stripe");
        }
        DeliveryReconciliation.Delivery delivered = delivery.check(account);
        drifts.addAll(delivered.drifts());
        Set<String> checked = new HashSet<>(accounts);
        checked.addAll(delivered.accounts());

        Set<String> roundedBefore = new HashSet<>(runs.roundingBefore(period));
        Map<String, Integer> roundingNow = new HashMap<>();
        drifts.stream().filter(d -> !d.counted()).forEach(d -> roundingNow.merge(d.acctId(), 1, Integer::sum));
        List<Drift> flagged = drifts.stream().map(d -> !d.counted()
                && (roundedBefore.contains(d.acctId()) || roundingNow.getOrDefault(d.acctId(), 0) > 1)
                ? d.repeatedRounding() : d).toList();
        ReconcileRun latest = runs.find(run.id()).orElseThrow();
        return ReconciliationReport.of(checked.size(), staged.size() + delivered.invoices(), flagged, period, account,
                run.id(), latest.stripeCalls(), latest.stripePagesNeeded(), legacy.available());
    }
}
