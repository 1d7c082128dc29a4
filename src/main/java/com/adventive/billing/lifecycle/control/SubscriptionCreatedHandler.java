package com.adventive.billing.lifecycle.control;

import jakarta.enterprise.context.ApplicationScoped;

/** customer.subscription.created: the subscription as the event describes it, if no newer copy is stored. */
@ApplicationScoped
public class SubscriptionCreatedHandler extends SubscriptionHandler {

    @Override
    public String kind() {
        return "customer.subscription.created";
    }
}
