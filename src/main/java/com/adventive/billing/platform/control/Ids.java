package com.adventive.billing.platform.control;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Shapes of identifiers that arrive from outside. Anything that reaches a bucket key, a file path,
 * a query or a URL is checked against one of these first.
 */
public enum Ids {
    EVENT("evt_[A-Za-z0-9_]{1,250}"),
    INVOICE("in_[A-Za-z0-9_]{1,250}"),
    CUSTOMER("cus_[A-Za-z0-9_]{1,250}"),
    PRICE("price_[A-Za-z0-9_]{1,250}|plan_[A-Za-z0-9_]{1,250}"),
    ACCOUNT("acct_[A-Za-z0-9_-]{1,59}"),
    WORK_ITEM("[0-9]{1,18}"),
    // lifecycle: subscriptions, disputes, the payments disputes name
    SUBSCRIPTION("sub_[A-Za-z0-9_]{1,250}"),
    DISPUTE("(du|dp)_[A-Za-z0-9_]{1,250}"),
    PAYMENT_INTENT("pi_[A-Za-z0-9_]{1,250}");

    private final Pattern pattern;

    Ids(String regex) {
        this.pattern = Pattern.compile(regex);
    }

    public boolean matches(String value) {
        return value != null && pattern.matcher(value).matches();
    }

    public Optional<String> valid(String value) {
        return matches(value) ? Optional.of(value) : Optional.empty();
    }
}
