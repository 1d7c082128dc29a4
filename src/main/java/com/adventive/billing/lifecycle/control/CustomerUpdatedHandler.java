package com.adventive.billing.lifecycle.control;

import com.adventive.billing.lifecycle.entity.CustomerSnapshot;
import com.adventive.billing.platform.control.Ids;
import jakarta.enterprise.context.ApplicationScoped;

/** customer.updated: the customer's email, which the next invoice email to the account goes to. */
@ApplicationScoped
public class CustomerUpdatedHandler extends AccountObjectHandler<CustomerSnapshot> {

    @Override
    public String kind() {
        return "customer.updated";
    }

    @Override
    protected AccountObject<CustomerSnapshot> object() {
        return new AccountObject<>(AccountSnapshots::customer, CustomerSnapshot::customerId, Ids.CUSTOMER,
                records::customer, records::customerWithoutStripe, stripe::retrieveCustomerJson);
    }
}
