package com.adventive.billing.lifecycle.control;

import jakarta.enterprise.context.ApplicationScoped;

/** customer.subscription.updated: the subscription as the event describes it, if no newer copy is stored. */
@ApplicationScoped
public class SubscriptionUpdatedHandler extends SubscriptionHandler {

    @Override
    public String kind() {
        return "customer.subscription.updated";
    }
}
