package com.adventive.billing.usage.boundary;

import com.adventive.billing.platform.control.BillingProblem;
import com.adventive.billing.platform.control.Ids;
import com.adventive.billing.usage.control.UsageLedger;
import com.adventive.billing.usage.entity.UsageRecord;
import com.adventive.billing.usage.entity.UsageViews.PeriodView;
import com.adventive.billing.usage.entity.UsageViews.RecordView;
import com.adventive.billing.usage.entity.UsageViews.Total;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** The operator's view of an account's metered usage for a period: each record's state and the totals. */
@Path("/admin/usage")
@Tag(name = "usage", description = "Metered usage reported to Stripe exactly once")
public class AdminUsageResource {

    static final int MAX_RECORDS = 5_000;

    @Inject
    UsageLedger ledger;

    @Inject
    com.adventive.billing.usage.control.UsageStripeCheck stripeCheck;

    /** The ledger beside Stripe's meter event summaries for the customer and period, per metric. */
    @GET
    @Path("/stripe-check")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Compare the ledger with Stripe's meter event summaries for an account and period (YYYY-MM)")
    public com.adventive.billing.usage.entity.UsageViews.StripeCheck stripeCheck(@QueryParam("account") String account,
                                                                              @QueryParam("period") String period)
            throws com.stripe.exception.StripeException {
        validate(account, period);
        return stripeCheck.check(account, period);
    }

    private static void validate(String account, String period) {
        if (account == null || !Ids.ACCOUNT.matches(account)) {
            throw BillingProblem.badRequest("invalid_request", "account must be an account id (acct_…)");
        }
        if (period == null || !period.matches("[0-9]{4}-(0[1-9]|1[0-2])")) {
            throw BillingProblem.badRequest("invalid_request", "period must be a month as YYYY-MM");
        }
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Usage records of an account for a period (YYYY-MM), with totals per metric and state")
    public PeriodView usage(@QueryParam("account") String account, @QueryParam("period") String period) {
        if (account == null || !Ids.ACCOUNT.matches(account)) {
            throw BillingProblem.badRequest("invalid_request", "account must be an account id (acct_…)");
        }
        if (period == null || !period.matches("[0-9]{4}-(0[1-9]|1[0-2])")) {
            throw BillingProblem.badRequest("invalid_request", "period must be a month as YYYY-MM");
        }
        List<UsageRecord> records = ledger.records(account, period, MAX_RECORDS + 1);
        List<Total> totals = ledger.totals(account, period).stream()
                .map(row -> new Total((String) row[0], (String) row[1], ((Number) row[2]).longValue(),
                        row[3] == null ? 0 : ((Number) row[3]).longValue(), (String) row[4]))
                .toList();
        boolean truncated = records.size() > MAX_RECORDS;
        return new PeriodView(account, period, totals,
                records.stream().limit(MAX_RECORDS).map(RecordView::of).toList(), truncated);
    }
}
