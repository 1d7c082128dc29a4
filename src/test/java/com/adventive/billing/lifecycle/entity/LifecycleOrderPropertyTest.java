package com.adventive.billing.lifecycle.entity;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property: a whole invoice life (finalized, payment failed twice, paid, refunded, disputed, dispute
 * won) and a subscription's life (created, upgraded, past due, active again, canceled), shuffled
 * and duplicated at random, end in the same stored state for every order. The copies are folded
 * exactly as the ledgers fold them: invoices and adjustments by their order-free merge, customers
 * and subscriptions by "newer copy wins, a stale one makes us ask Stripe", with Stripe answering
 * the object's last state. The seed is printed with every failure; pass -Dlifecycle.seed=N to
 * replay one.
 */
class LifecycleOrderPropertyTest {

    private static final int ROUNDS = 2_000;
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final LocalDateTime NOW = LocalDateTime.parse("2026-11-25T00:00:00");

    /** One Stripe event: what it changes when it is worked. */
    private record Event(String name, Consumer<World> apply) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The stored records, as the ledgers keep them, and Stripe's current copies for re-fetching. */
    private static final class World {
        final InvoiceLifecycle invoice = new InvoiceLifecycle("in_1", NOW);
        final Map<String, InvoiceAdjustment> adjustments = new TreeMap<>();
        AccountSubscription subscription;
        StripeCustomer customer;
        int fetches;
        Instant clock = T0.plusSeconds(40 * 86_400); // re-fetches happen after every event was created

        void adjust(AdjustmentSnapshot copy) {
            adjustments.computeIfAbsent(copy.objectId(), id -> new InvoiceAdjustment(id, copy.kind(), NOW)).merge(copy, NOW);
        }

        void subscription(SubscriptionSnapshot copy, Instant created) {
            if (subscription == null) {
                subscription = new AccountSubscription(copy.subscriptionId());
            }
            ObjectCopy from = ObjectCopy.ofEvent(created, "evt");
            CopyOrder order = subscription.compare(copy, from);
            if (order == CopyOrder.NEWER) {
                subscription.replaceWith(copy, "acct_1", from, NOW);
            } else if (order == CopyOrder.STALE) {
                fetches++;
                clock = clock.plusSeconds(1);
                ObjectCopy fetched = ObjectCopy.fetched(clock);
                if (subscription.compare(SUBSCRIPTION_NOW, fetched) == CopyOrder.NEWER) {
                    subscription.replaceWith(SUBSCRIPTION_NOW, "acct_1", fetched, NOW);
                }
            }
        }

        void customer(CustomerSnapshot copy, Instant created) {
            if (customer == null) {
                customer = new StripeCustomer(copy.customerId());
            }
            ObjectCopy from = ObjectCopy.ofEvent(created, "evt");
            CopyOrder order = customer.compare(copy, from);
            if (order == CopyOrder.NEWER) {
                customer.replaceWith(copy, "acct_1", from, NOW);
            } else if (order == CopyOrder.STALE) {
                fetches++;
                clock = clock.plusSeconds(1);
                customer.replaceWith(CUSTOMER_NOW, "acct_1", ObjectCopy.fetched(clock), NOW);
            }
        }

        String state() {
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("invoice", invoice.status() + "|" + invoice.amountPaid() + "|" + invoice.paidAt() + "|"
                    + invoice.attemptCount() + "|" + invoice.declineReason() + "|" + invoice.currentNextPaymentAttempt());
            adjustments.forEach((id, a) -> state.put(id, a.kind() + "|" + a.status() + "|" + a.amount() + "|"
                    + a.reason() + "|" + a.stripeInvoiceId() + "|" + a.chargeId() + "|" + a.evidenceDueBy()));
            state.put("subscription", subscription == null ? null : subscription.status() + "|" + subscription.plan()
                    + "|" + subscription.itemsJson() + "|" + subscription.canceledAt());
            state.put("customer", customer == null ? null : customer.email());
            return state.toString();
        }
    }

    private static final List<SubscriptionSnapshot.Item> BASIC = List.of(new SubscriptionSnapshot.Item("si_1", "price_basic", 1L));
    private static final List<SubscriptionSnapshot.Item> PRO = List.of(new SubscriptionSnapshot.Item("si_1", "price_pro", 1L),
            new SubscriptionSnapshot.Item("si_2", "price_impressions", null));
    private static final SubscriptionSnapshot SUBSCRIPTION_NOW = sub("canceled", PRO, T0.plusSeconds(30 * 86_400));
    private static final CustomerSnapshot CUSTOMER_NOW = new CustomerSnapshot("cus_1", "new@example.com", null);

    private static SubscriptionSnapshot sub(String status, List<SubscriptionSnapshot.Item> items, Instant canceledAt) {
        return new SubscriptionSnapshot("sub_1", "cus_1", null, status, items.get(0).price(), items, canceledAt);
    }

    private static InvoiceSnapshot invoice(String status, long paid, Instant paidAt, int attempts, Instant next, String reason) {
        return new InvoiceSnapshot("in_1", status, "eur", paid, T0, paidAt, null, null, attempts, next, reason, "u");
    }

    private static List<Event> wholeLife() {
        Instant day = T0;
        long due = 7 * 86_400;
        return List.of(
                new Event("invoice.finalized", w -> w.invoice.merge(invoice("open", 0, null, 0, day.plusSeconds(3600), null), NOW)),
                new Event("invoice.payment_failed#1", w -> w.invoice.merge(invoice("open", 0, null, 1,
                        day.plusSeconds(86_400), "card_declined"), NOW)),
                new Event("invoice.payment_failed#2", w -> w.invoice.merge(invoice("open", 0, null, 2,
                        day.plusSeconds(3 * 86_400), "insufficient_funds"), NOW)),
                new Event("invoice.paid", w -> w.invoice.merge(invoice("paid", 4500, day.plusSeconds(2 * 86_400), 3, null,
                        null), NOW)),
                new Event("charge.refunded", w -> w.adjust(new AdjustmentSnapshot("ch_1", AdjustmentSnapshot.REFUND, "in_1",
                        "ch_1", "partially_refunded", null, 1000L, "eur", null))),
                new Event("charge.dispute.created", w -> w.adjust(new AdjustmentSnapshot("du_1", AdjustmentSnapshot.DISPUTE,
                        null, "ch_1", "needs_response", "fraudulent", 3500L, "eur", day.plusSeconds(due)))),
                new Event("charge.dispute.updated", w -> w.adjust(new AdjustmentSnapshot("du_1", AdjustmentSnapshot.DISPUTE,
                        null, "ch_1", "under_review", "fraudulent", 3500L, "eur", day.plusSeconds(due)))),
                new Event("charge.dispute.closed(won)", w -> w.adjust(new AdjustmentSnapshot("du_1",
                        AdjustmentSnapshot.DISPUTE, null, "ch_1", "won", "fraudulent", 3500L, "eur", day.plusSeconds(due)))),
                new Event("customer.subscription.created", w -> w.subscription(sub("incomplete", BASIC, null), day.minusSeconds(60))),
                new Event("customer.subscription.updated(active)", w -> w.subscription(sub("active", BASIC, null), day.minusSeconds(60))),
                new Event("customer.subscription.updated(pro)", w -> w.subscription(sub("active", PRO, null), day.plusSeconds(5 * 86_400))),
                new Event("customer.subscription.updated(past_due)", w -> w.subscription(sub("past_due", PRO, null), day.plusSeconds(20 * 86_400))),
                new Event("customer.subscription.updated(active again)", w -> w.subscription(sub("active", PRO, null), day.plusSeconds(21 * 86_400))),
                new Event("customer.subscription.deleted", w -> w.subscription(SUBSCRIPTION_NOW, day.plusSeconds(30 * 86_400))),
                new Event("customer.updated(old)", w -> w.customer(new CustomerSnapshot("cus_1", "old@example.com", null), day)),
                new Event("customer.updated(new)", w -> w.customer(CUSTOMER_NOW, day.plusSeconds(10 * 86_400))));
    }

    private static String run(List<Event> events) {
        World world = new World();
        events.forEach(e -> e.apply().accept(world));
        return world.state();
    }

    @Test
    void aShuffledAndDuplicatedWholeLifeEndsInTheSameState() {
        long seed = Long.getLong("lifecycle.seed", 20261125L);
        Random random = new Random(seed);
        List<Event> life = wholeLife();
        String expected = run(life);
        assertTrue(expected.contains("paid|4500"), expected);
        assertTrue(expected.contains("dispute|won|3500"), expected);
        assertTrue(expected.contains("refund|partially_refunded|1000"), expected);
        assertTrue(expected.contains("canceled|price_pro"), expected);
        assertTrue(expected.contains("new@example.com"), expected);
        for (int round = 0; round < ROUNDS; round++) {
            List<Event> shuffled = new ArrayList<>(life);
            for (int extra = random.nextInt(life.size()); extra > 0; extra--) {
                shuffled.add(life.get(random.nextInt(life.size())));
            }
            Collections.shuffle(shuffled, random);
            assertEquals(expected, run(shuffled), "seed " + seed + " (replay with -Dlifecycle.seed=" + seed + "), round "
                    + round + ", order " + shuffled);
        }
    }

    @Test
    void aLateOlderSubscriptionCopyIsNotTakenButStripeIsAsked() {
        World world = new World();
        wholeLife().stream().filter(e -> e.name().equals("customer.subscription.updated(pro)")).forEach(e -> e.apply().accept(world));
        wholeLife().stream().filter(e -> e.name().equals("customer.subscription.updated(active)")).forEach(e -> e.apply().accept(world));
        assertEquals(1, world.fetches, "the older copy made the worker ask Stripe");
        assertEquals("canceled", world.subscription.status(), "and Stripe's current copy was stored");
    }

    @Test
    void aCanceledSubscriptionIsNeverRevived() {
        AccountSubscription row = new AccountSubscription("sub_1");
        row.replaceWith(SUBSCRIPTION_NOW, "acct_1", ObjectCopy.ofEvent(T0, "evt_1"), NOW);
        assertEquals(CopyOrder.SAME, row.compare(sub("active", PRO, null), ObjectCopy.ofEvent(T0.plusSeconds(999), "evt_2")));
    }

    @Test
    void anEqualTimeTieSettlesTheSameWayInEitherOrderWithoutStripe() {
        SubscriptionSnapshot a = sub("active", BASIC, null);
        SubscriptionSnapshot b = sub("past_due", BASIC, null);
        assertEquals(settle(a, b), settle(b, a));
    }

    private static String settle(SubscriptionSnapshot first, SubscriptionSnapshot second) {
        AccountSubscription row = new AccountSubscription("sub_1");
        ObjectCopy at = ObjectCopy.ofEvent(T0, "evt");
        row.replaceWith(first, "acct_1", at, NOW);
        if (row.compare(second, at) == CopyOrder.NEWER || row.settlesTieFor(second, at)) {
            row.replaceWith(second, "acct_1", at, NOW);
        }
        return row.status();
    }
}
