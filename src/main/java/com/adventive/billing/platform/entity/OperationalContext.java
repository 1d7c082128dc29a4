package com.adventive.billing.platform.entity;

/** What an operational event is about; any part may be unknown (null). */
public record OperationalContext(String stripeEventId, String stripeInvoiceId, String acctId, Long workItemId) {

    public static OperationalContext ofWork(long workItemId, String stripeEventId) {
        return new OperationalContext(stripeEventId, null, null, workItemId);
    }

    public OperationalContext withInvoice(String invoiceId) {
        return new OperationalContext(stripeEventId, invoiceId, acctId, workItemId);
    }

    public OperationalContext withAccount(String accountId) {
        return new OperationalContext(stripeEventId, stripeInvoiceId, accountId, workItemId);
    }
}
