package com.adventive.billing.admin.entity;

import java.time.Instant;
import java.util.List;

/** The account table as the admin API shows it (JSON property names are snake_case). */
public final class AccountViews {

    private AccountViews() {
    }

    /** One account: which Stripe customer it is billed through and which system bills it. */
    public record AccountView(String acctId, String stripeCustomerId, String billedBy, String displayName,
                              Instant updatedAt, String updatedBy) {
    }

    /** Accounts in acct_id order; pass {@code next_after} as {@code after} for the next page (null: no more). */
    public record AccountPage(List<AccountView> items, String nextAfter) {
    }
}
