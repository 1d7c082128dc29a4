package com.adventive.billing.invoice.control;

import java.time.LocalDateTime;
import java.util.Optional;

/**
 * Where a customer's current email is known beyond the invoice's own copy (customer.updated, kept
 * by the lifecycle capability, which implements this so the invoice capability need not know it).
 */
public interface CustomerContacts {

    /** The account's customer's email, if a copy of the customer at or after {@code since} is known. */
    Optional<String> emailSince(String acctId, LocalDateTime since);
}
