package com.adventive.billing.lifecycle.entity;

/** What one copy of a Stripe customer says that the worker keeps: its email, and the account it names. */
public record CustomerSnapshot(String customerId, String email, String metadataAcctId) {
}
