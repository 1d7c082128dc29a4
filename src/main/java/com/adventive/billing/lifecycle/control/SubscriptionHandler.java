package com.adventive.billing.lifecycle.control;

import com.adventive.billing.lifecycle.entity.SubscriptionSnapshot;
import com.adventive.billing.platform.control.Ids;

/** customer.subscription.*: the account's plan, status and subscription items. */
public abstract class SubscriptionHandler extends AccountObjectHandler<SubscriptionSnapshot> {

    @Override
    protected AccountObject<SubscriptionSnapshot> object() {
        return new AccountObject<>(AccountSnapshots::subscription, SubscriptionSnapshot::subscriptionId, Ids.SUBSCRIPTION,
                records::subscription, records::subscriptionWithoutStripe, stripe::retrieveSubscriptionJson);
    }
}
