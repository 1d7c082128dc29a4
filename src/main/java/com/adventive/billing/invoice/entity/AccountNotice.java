package com.adventive.billing.invoice.entity;

/**
 * What an email about an account (not one invoice) shows: the seller, the account, and the link
 * the customer is asked to follow (e.g. to update the payment method).
 */
public record AccountNotice(Seller seller, String acctId, String customerName, String link) {
}
