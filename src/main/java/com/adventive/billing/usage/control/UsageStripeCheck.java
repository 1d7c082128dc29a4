package com.adventive.billing.usage.control;

import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.platform.control.Settings;
import com.adventive.billing.platform.control.StripeGateway;
import com.adventive.billing.usage.entity.UsageRecord;
import com.adventive.billing.usage.entity.UsageViews.MetricCheck;
import com.adventive.billing.usage.entity.UsageViews.StripeCheck;
import com.stripe.exception.StripeException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The runbook's "check metering events for the account": for each metric of an account and
 * period, what the ledger says was reported beside what Stripe's meter event summaries add up to
 * for the customer over the period. A higher Stripe total means usage counted twice (or an
 * outcome_unknown send that did land); a lower one means usage Stripe never counted. The report work
 * makes the same comparison by itself for a send whose outcome is unknown ({@link UnknownOutcomeCheck});
 * this is the operator's view of it.
 */
@ApplicationScoped
public class UsageStripeCheck {

    @Inject
    UsageLedger ledger;

    @Inject
    StripeGateway stripe;

    @Inject
    Settings settings;

    public StripeCheck check(String acctId, String period) throws StripeException {
        YearMonth month = UsagePeriods.parse(period)
                .orElseThrow(() -> BillingProblem.badRequest("invalid_request", "period must be a month as YYYY-MM"));
        String[] account = ledger.account(acctId)
                .orElseThrow(() -> BillingProblem.notFound("account_not_found", "unknown account " + acctId));
        String customerId = account[0];
        if (customerId == null) {
            throw BillingProblem.conflict("no_stripe_customer", "account " + acctId + " has no Stripe customer");
        }
        Map<String, Map<String, Long>> byMetric = new HashMap<>();
        for (Object[] row : ledger.totals(acctId, period)) {
            byMetric.computeIfAbsent((String) row[0], m -> new HashMap<>())
                    .merge((String) row[1], row[3] == null ? 0L : ((Number) row[3]).longValue(), Long::sum);
        }
        Map<String, String> metrics = settings.usageMetrics();
        TreeSet<String> names = new TreeSet<>(byMetric.keySet());
        names.addAll(metrics.keySet());
        Instant from = UsagePeriods.start(month);
        Instant until = UsagePeriods.end(month).plusSeconds(1);
        List<MetricCheck> checks = new ArrayList<>();
        boolean allMatch = true;
        for (String metric : names) {
            Map<String, Long> states = byMetric.getOrDefault(metric, Map.of());
            String eventName = metrics.get(metric);
            long reported = states.getOrDefault(UsageRecord.REPORTED, 0L);
            long pending = states.getOrDefault(UsageRecord.RECORDED, 0L);
            long unknown = states.getOrDefault(UsageRecord.OUTCOME_UNKNOWN, 0L);
            long failed = states.getOrDefault(UsageRecord.FAILED, 0L);
            long creditDue = states.getOrDefault(UsageRecord.CREDIT_DUE, 0L);
            if (eventName == null) {
                checks.add(new MetricCheck(metric, null, null, reported, pending, unknown, failed, creditDue, null, null,
                        "not_configured", "the metric is no longer in USAGE_METRICS; Stripe was not asked"));
                allMatch = false;
                continue;
            }
            var total = stripe.meterEventTotal(eventName, customerId, from.getEpochSecond(), until.getEpochSecond());
            if (total.isEmpty()) {
                checks.add(new MetricCheck(metric, eventName, null, reported, pending, unknown, failed, creditDue, null,
                        null, "no_meter", "Stripe has no meter for the event name " + eventName));
                allMatch = false;
                continue;
            }
            String aggregation = total.get().aggregation();
            if (aggregation != null && !UnknownOutcomeCheck.SUM.equals(aggregation)) {
                checks.add(new MetricCheck(metric, eventName, total.get().meterId(), reported, pending, unknown, failed,
                        creditDue, total.get().aggregatedValue(), null, "not_a_sum_meter", "the meter aggregates by "
                        + aggregation + ", not sum: its total cannot be compared with the ledger's quantities; the "
                        + "metric's meter must sum the values the worker reports"));
                allMatch = false;
                continue;
            }
            BigDecimal stripeTotal = total.get().aggregatedValue();
            BigDecimal difference = stripeTotal.subtract(BigDecimal.valueOf(reported));
            String verdict;
            String advice;
            int sign = difference.signum();
            if (sign == 0) {
                verdict = "match";
                advice = pending > 0 ? pending + " recorded but not yet reported; check again later" : "nothing to do";
            } else if (sign > 0) {
                verdict = "stripe_higher";
                advice = unknown > 0 && difference.compareTo(BigDecimal.valueOf(unknown)) == 0
                        ? "the outcome_unknown entries were counted by Stripe: nothing was lost, do not report them again; "
                          + "retrying their work records them reported from these summaries"
                        : "Stripe counted more than the ledger reported (double-counted usage): record a negative "
                          + "adjustment and issue a credit note for the overcharge (runbook: double-counted usage)";
            } else {
                verdict = "stripe_lower";
                advice = "Stripe counted less than the ledger reported; Stripe aggregates asynchronously, so check again "
                        + "in a few minutes, then follow the runbook's missed usage";
            }
            allMatch &= sign == 0;
            checks.add(new MetricCheck(metric, eventName, total.get().meterId(), reported, pending, unknown, failed,
                    creditDue, stripeTotal, difference, verdict, advice));
        }
        return new StripeCheck(acctId, period, customerId, from.toString(), until.toString(),
                allMatch ? "match" : "differs", checks);
    }
}
