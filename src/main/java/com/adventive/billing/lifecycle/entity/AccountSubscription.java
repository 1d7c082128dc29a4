package com.adventive.billing.lifecycle.entity;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * One subscription of an account (plan, status, item ids) as its newest known copy describes it.
 * A subscription's status is not monotonic (active → past_due → active), so copies are ordered by
 * the moment they describe, not by their content: an older copy never replaces a newer one, and a
 * copy that cannot be placed (older, or the same second with different content) makes the caller
 * ask Stripe for the current one. Canceled is final: Stripe never revives a canceled subscription,
 * so a canceled copy always wins and nothing replaces it.
 */
@Entity
@Table(name = "account_subscription")
public class AccountSubscription extends StripeObjectRecord<SubscriptionSnapshot> {

    @Id
    @Column(name = "stripe_subscription_id")
    private String stripeSubscriptionId;

    @Column(name = "stripe_customer_id")
    private String stripeCustomerId;

    @Column(name = "acct_id")
    private String acctId;

    private String status;

    private String plan;

    @Column(name = "items_json")
    private String itemsJson;

    @Column(name = "canceled_at")
    private LocalDateTime canceledAt;

    protected AccountSubscription() {
    }

    public AccountSubscription(String stripeSubscriptionId) {
        this.stripeSubscriptionId = stripeSubscriptionId;
    }

    @Override
    public CopyOrder compare(SubscriptionSnapshot copy, ObjectCopy from) {
        if (SubscriptionSnapshot.CANCELED.equals(status) && !copy.canceled()) {
            return CopyOrder.SAME;
        }
        if (copy.canceled() && status != null && !SubscriptionSnapshot.CANCELED.equals(status)) {
            return CopyOrder.NEWER;
        }
        return super.compare(copy, from);
    }

    @Override
    protected void takeContent(SubscriptionSnapshot copy, String resolvedAcctId) {
        stripeCustomerId = copy.customerId() != null ? copy.customerId() : stripeCustomerId;
        acctId = resolvedAcctId != null ? resolvedAcctId : acctId;
        status = copy.status();
        plan = copy.plan();
        itemsJson = itemsJson(copy);
        canceledAt = copy.canceledAt() == null ? null : LocalDateTime.ofInstant(copy.canceledAt(), ZoneOffset.UTC);
    }

    @Override
    protected int compareContent(SubscriptionSnapshot copy) {
        return fingerprint(copy).compareTo(fingerprint());
    }

    @Override
    protected boolean sameContent(SubscriptionSnapshot copy) {
        return Objects.equals(status, copy.status()) && Objects.equals(plan, copy.plan())
                && Objects.equals(itemsJson, itemsJson(copy));
    }

    private String fingerprint() {
        return status + "|" + plan + "|" + itemsJson;
    }

    private static String fingerprint(SubscriptionSnapshot copy) {
        return copy.status() + "|" + copy.plan() + "|" + itemsJson(copy);
    }

    static String itemsJson(SubscriptionSnapshot copy) {
        JsonArrayBuilder items = Json.createArrayBuilder();
        for (SubscriptionSnapshot.Item item : copy.items()) {
            JsonObjectBuilder json = Json.createObjectBuilder().add("id", item.id());
            if (item.price() == null) {
                json.addNull("price");
            } else {
                json.add("price", item.price());
            }
            if (item.quantity() == null) {
                json.addNull("quantity");
            } else {
                json.add("quantity", item.quantity());
            }
            items.add(json);
        }
        return items.build().toString();
    }

    public String stripeSubscriptionId() { return stripeSubscriptionId; }
    public String stripeCustomerId() { return stripeCustomerId; }
    public String acctId() { return acctId; }
    public String status() { return status; }
    public String plan() { return plan; }
    public String itemsJson() { return itemsJson; }
    public LocalDateTime canceledAt() { return canceledAt; }
}
