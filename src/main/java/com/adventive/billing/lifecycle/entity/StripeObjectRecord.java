package com.adventive.billing.lifecycle.entity;

import java.time.LocalDateTime;

/**
 * The worker's record of one Stripe object (a customer, a subscription), kept from its newest copy:
 * which copy is newer, taking a copy, and the fixed rule that settles two copies of the same moment
 * when Stripe cannot be asked.
 *
 * @param <C> the copy an event or Stripe gave
 */
public interface StripeObjectRecord<C> {

    CopyOrder compare(C copy, ObjectCopy from);

    void replaceWith(C copy, String resolvedAcctId, ObjectCopy from, LocalDateTime now);

    boolean settlesTieFor(C copy, ObjectCopy from);
}
