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
import com.adventive.billing.reconcile.entity.StripeBill;
import com.stripe.exception.StripeException;
import com.stripe.model.Invoice;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

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
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One reconciliation of a period (and optionally one account): the worker's records against the
 * period's Stripe invoices (listed 100 a page) and the legacy system, plus the delivery checks.
 * A run is stored; a request while the same check runs joins that run instead of starting another.
 * Any drift raises the {@code reconciliation_drift} operational event.
 */
@ApplicationScoped
public class Reconciliation {

    private static final Logger LOG = Logger.getLogger(Reconciliation.class.getName());

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

    /**
     * Runs the check now, or, when the same check is already running, waits for that run (at most
     * {@code joinWait}) and answers it. Empty when the joined run is still going after the wait.
     */
    public Outcome runOrJoin(String period, String account, String trigger, Duration joinWait) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<ReconcileRun> running = runs.running(period, account);
            if (running.isPresent()) {
                return join(running.get().id(), joinWait);
            }
            Optional<Long> started = runs.start(period, account, trigger);
            if (started.isPresent()) {
                return new Outcome(started.get(), Optional.of(execute(started.get(), period, account)));
            }
        }
        throw BillingProblem.conflict("reconcile_busy", "another reconciliation of " + period + " keeps starting; "
                + "see GET /admin/reconcile/runs");
    }

    /** A run's id and, once finished, its report. */
    public record Outcome(long runId, Optional<ReconciliationReport> report) {
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
                Thread.sleep(200);
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

    ReconciliationReport execute(long runId, String period, String account) {
        try {
            ReconciliationReport report = compare(runId, period, account);
            runs.finish(runId, report);
            if (report.driftCount() > 0) {
                operationalLog.record(new OperationalContext(null, null, account, null), "reconciliation_drift",
                        "run=" + runId + " period=" + period + " accounts_checked=" + report.accountsChecked()
                                + " drift_count=" + report.driftCount() + " kinds=" + kinds(report));
            }
            return report;
        } catch (RuntimeException | StripeException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.log(Level.WARNING, "reconciliation run " + runId + " failed", e);
            String why = Texts.describe(e, 1_500);
            runs.fail(runId, why);
            operationalLog.record(new OperationalContext(null, null, account, null), "reconciliation_failed",
                    "run=" + runId + " period=" + period + " " + why);
            throw BillingProblem.unavailable("reconcile_failed", "reconciliation run " + runId + " failed: " + why
                    + "; run it again (it starts a new run)", 60);
        }
    }

    private static String kinds(ReconciliationReport report) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        report.drifts().stream().filter(Drift::counted).forEach(d -> counts.merge(d.kind(), 1, Integer::sum));
        return counts.toString();
    }

    private ReconciliationReport compare(long runId, String period, String account)
            throws StripeException, InterruptedException {
        WorkerRecords.Snapshot worker = workerRecords.read(period, account);
        LegacyBilling legacy = legacyReader.read(period, account);

        Map<String, List<StripeBill>> billsByAccount = new HashMap<>();
        List<StripeBill> unknown = new ArrayList<>();
        StripeInvoiceListing.Counter counter = new StripeInvoiceListing.Counter();
        long invoices = 0;
        if (stripe.isConfigured()) {
            YearMonth month = YearMonth.parse(period);
            long from = month.atDay(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
            long to = month.plusMonths(2).atDay(1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
            StripeBills.PriceCache prices = new StripeBills.PriceCache();
            String cursor = null;
            long pages = 0;
            while (true) {
                StripeGateway.InvoicePage page = listing.page(from, to, cursor, counter);
                pages++;
                for (Invoice invoice : page.invoices()) {
                    if (!period.equals(StripeBills.periodOf(invoice))) {
                        continue;
                    }
                    String acct = worker.accountByCustomer().get(invoice.getCustomer());
                    if (acct == null) {
                        acct = StripeBills.metadataAccount(invoice);
                    }
                    if (account != null && !account.equals(acct)) {
                        continue;
                    }
                    StripeBill bill = stripeBills.bill(invoice, acct, prices, counter);
                    invoices++;
                    if (acct == null || !worker.accounts().containsKey(acct) && !worker.usage().containsKey(acct)) {
                        unknown.add(bill);
                    } else {
                        billsByAccount.computeIfAbsent(acct, a -> new ArrayList<>()).add(bill);
                    }
                }
                cursor = page.lastId();
                runs.progress(runId, pages, cursor, invoices, counter.calls(), counter.pagesNeeded());
                if (!page.hasMore() || cursor == null) {
                    break;
                }
            }
        } else {
            LOG.warning("STRIPE_SECRET_KEY is not set: reconciliation compares nothing with Stripe");
        }

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
                drifts.addAll(MoneyComparison.compare(period, worker.book(acct), billsByAccount.getOrDefault(acct, List.of()),
                        legacy));
            }
            for (StripeBill bill : unknown) {
                drifts.add(MoneyComparison.unknownAccount(period, bill));
            }
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
        return ReconciliationReport.of(checked.size(), invoices + delivered.invoices(), flagged, period, account, runId,
                counter.calls(), counter.pagesNeeded(), legacy.available());
    }
}
