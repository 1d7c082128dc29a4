package com.adventive.billing.lifecycle.control;

import com.adventive.billing.lifecycle.control.AccountRecords.Applied;
import com.adventive.billing.lifecycle.entity.ObjectCopy;
import com.adventive.billing.lifecycle.entity.SubscriptionSnapshot;
import com.adventive.billing.platform.control.Ids;
import com.stripe.exception.StripeException;
import jakarta.json.JsonObject;

/** customer.subscription.*: the account's plan, status and subscription items. */
public abstract class SubscriptionHandler extends AccountObjectHandler<SubscriptionSnapshot> {

    @Override
    protected SubscriptionSnapshot read(JsonObject object) {
        return AccountSnapshots.subscription(object);
    }

    @Override
    protected String idOf(SubscriptionSnapshot copy) {
        return copy.subscriptionId();
    }

    @Override
    protected boolean validId(String id) {
        return Ids.SUBSCRIPTION.matches(id);
    }

    @Override
    protected Applied store(SubscriptionSnapshot copy, ObjectCopy from) {
        return records.subscription(copy, from);
    }

    @Override
    protected Applied storeWithoutStripe(SubscriptionSnapshot copy, ObjectCopy from) {
        return records.subscriptionWithoutStripe(copy, from);
    }

    @Override
    protected String fetch(String id) throws StripeException {
        return stripe.retrieveSubscriptionJson(id);
    }
}
