package com.adventive.billing.lifecycle.control;

import com.adventive.billing.invoice.control.CustomerContacts;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.LocalDateTime;
import java.util.Optional;

/** The invoice emails' recipient as customer.updated last described it. */
@ApplicationScoped
public class LatestCustomerEmails implements CustomerContacts {

    @Inject
    AccountRecords records;

    @Override
    public Optional<String> emailSince(String acctId, LocalDateTime since) {
        return acctId == null ? Optional.empty() : records.emailSince(acctId, since);
    }
}
