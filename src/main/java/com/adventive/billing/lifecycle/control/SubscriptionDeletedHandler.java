package com.adventive.billing.lifecycle.control;

import jakarta.enterprise.context.ApplicationScoped;

/** customer.subscription.deleted: the subscription as the event describes it, if no newer copy is stored. */
@ApplicationScoped
public class SubscriptionDeletedHandler extends SubscriptionHandler {

    @Override
    public String kind() {
        return "customer.subscription.deleted";
    }
}
