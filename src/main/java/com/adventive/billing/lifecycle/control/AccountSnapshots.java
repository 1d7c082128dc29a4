package com.adventive.billing.lifecycle.control;

import com.adventive.billing.lifecycle.entity.CustomerSnapshot;
import com.adventive.billing.lifecycle.entity.SubscriptionSnapshot;
import com.adventive.billing.platform.control.Ids;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads a customer or a subscription out of an event's data.object or Stripe's answer (same shape). */
final class AccountSnapshots {

    private AccountSnapshots() {
    }

    static CustomerSnapshot customer(JsonObject customer) {
        return new CustomerSnapshot(text(customer, "id"), text(customer, "email"), metadataAcctId(customer));
    }

    static SubscriptionSnapshot subscription(JsonObject subscription) {
        List<SubscriptionSnapshot.Item> items = new ArrayList<>();
        if (subscription.get("items") instanceof JsonObject list && list.get("data") instanceof jakarta.json.JsonArray data) {
            for (JsonValue value : data) {
                if (value instanceof JsonObject item && text(item, "id") != null) {
                    items.add(new SubscriptionSnapshot.Item(text(item, "id"), priceOf(item), number(item, "quantity")));
                }
            }
        }
        String plan = !items.isEmpty() ? items.get(0).price()
                : subscription.get("plan") instanceof JsonObject legacyPlan ? text(legacyPlan, "id") : null;
        Long canceledAt = number(subscription, "canceled_at");
        return new SubscriptionSnapshot(text(subscription, "id"), reference(subscription, "customer"),
                metadataAcctId(subscription), text(subscription, "status"), plan, List.copyOf(items),
                canceledAt == null ? null : Instant.ofEpochSecond(canceledAt));
    }

    private static String priceOf(JsonObject item) {
        if (item.get("price") instanceof JsonObject price) {
            return text(price, "id");
        }
        if (item.get("plan") instanceof JsonObject plan) {
            return text(plan, "id");
        }
        return text(item, "price");
    }

    private static String metadataAcctId(JsonObject object) {
        if (object.get("metadata") instanceof JsonObject metadata) {
            return Ids.ACCOUNT.valid(text(metadata, "acct_id")).orElse(null);
        }
        return null;
    }

    private static String reference(JsonObject object, String name) {
        JsonValue value = object.get(name);
        return value instanceof JsonString s ? s.getString() : value instanceof JsonObject o ? text(o, "id") : null;
    }

    private static String text(JsonObject object, String name) {
        return object.get(name) instanceof JsonString s ? s.getString() : null;
    }

    private static Long number(JsonObject object, String name) {
        return object.get(name) instanceof JsonNumber n ? n.longValue() : null;
    }
}
