package com.adventive.billing.lifecycle.control;

import com.adventive.billing.lifecycle.control.AccountRecords.Applied;
import com.adventive.billing.lifecycle.entity.CustomerSnapshot;
import com.adventive.billing.lifecycle.entity.ObjectCopy;
import com.adventive.billing.platform.control.Ids;
import com.stripe.exception.StripeException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;

/** customer.updated: the customer's email, which the next invoice email to the account goes to. */
@ApplicationScoped
public class CustomerUpdatedHandler extends AccountObjectHandler<CustomerSnapshot> {

    @Override
    public String kind() {
        return "customer.updated";
    }

    @Override
    protected CustomerSnapshot read(JsonObject object) {
        return AccountSnapshots.customer(object);
    }

    @Override
    protected String idOf(CustomerSnapshot copy) {
        return copy.customerId();
    }

    @Override
    protected boolean validId(String id) {
        return Ids.CUSTOMER.matches(id);
    }

    @Override
    protected Applied store(CustomerSnapshot copy, ObjectCopy from) {
        return records.customer(copy, from);
    }

    @Override
    protected Applied storeWithoutStripe(CustomerSnapshot copy, ObjectCopy from) {
        return records.customerWithoutStripe(copy, from);
    }

    @Override
    protected String fetch(String id) throws StripeException {
        return stripe.retrieveCustomerJson(id);
    }
}
