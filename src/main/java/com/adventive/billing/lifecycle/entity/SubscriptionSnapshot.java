package com.adventive.billing.lifecycle.entity;

import java.time.Instant;
import java.util.List;

/**
 * What one copy of a Stripe subscription says about the account's plan.
 *
 * @param plan  the price of its first item (a single-plan subscription's plan), or null
 * @param items its items in Stripe's order
 */
public record SubscriptionSnapshot(String subscriptionId, String customerId, String metadataAcctId, String status,
                                   String plan, List<Item> items, Instant canceledAt) {

    public static final String CANCELED = "canceled";

    /** One subscription item: its id, its price and its quantity (null for metered prices). */
    public record Item(String id, String price, Long quantity) {
    }

    public boolean canceled() {
        return CANCELED.equals(status);
    }
}
