package com.adventive.billing.lifecycle.entity;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Any order and any duplication of the same copies of an invoice merge into the same record. */
class InvoiceLifecycleMergeTest {

    private static final Instant FINALIZED = Instant.parse("2026-11-01T00:00:00Z");
    private static final Instant ATTEMPT_2 = FINALIZED.plusSeconds(86_400);
    private static final Instant ATTEMPT_3 = FINALIZED.plusSeconds(3 * 86_400);
    private static final Instant PAID = FINALIZED.plusSeconds(2 * 86_400);
    private static final Instant UNCOLLECTIBLE = FINALIZED.plusSeconds(4 * 86_400);
    private static final LocalDateTime NOW = LocalDateTime.parse("2026-11-25T00:00:00");

    private static InvoiceSnapshot finalized() {
        return new InvoiceSnapshot("in_1", "open", "eur", 0L, FINALIZED, null, null, null, 0, FINALIZED, null, "u");
    }

    private static InvoiceSnapshot failed(int attempt, Instant next, String reason) {
        return new InvoiceSnapshot("in_1", "open", "eur", 0L, FINALIZED, null, null, null, attempt, next, reason, "u");
    }

    private static InvoiceSnapshot paid() {
        return new InvoiceSnapshot("in_1", "paid", "eur", 4500L, FINALIZED, PAID, null, null, 2, null, null, "u");
    }

    private static InvoiceSnapshot uncollectible() {
        return new InvoiceSnapshot("in_1", "uncollectible", "eur", 0L, FINALIZED, null, null, UNCOLLECTIBLE, 3, null,
                null, "u");
    }

    private static String state(List<InvoiceSnapshot> copies) {
        InvoiceLifecycle record = new InvoiceLifecycle("in_1", NOW);
        copies.forEach(c -> record.merge(c, NOW));
        return record.status() + "|" + record.amountPaid() + "|" + record.paidAt() + "|" + record.finalizedAt()
                + "|" + record.markedUncollectibleAt() + "|" + record.attemptCount() + "|"
                + record.nextPaymentAttempt() + "|" + record.declineReason() + "|" + record.currentNextPaymentAttempt();
    }

    @Test
    void aShuffledAndDuplicatedLifeEndsInTheSameState() {
        List<InvoiceSnapshot> life = List.of(finalized(), failed(1, ATTEMPT_2, "card_declined"),
                failed(2, ATTEMPT_3, "insufficient_funds"), paid());
        String expected = state(life);
        long seed = 20261125L;
        Random random = new Random(seed);
        for (int round = 0; round < 500; round++) {
            List<InvoiceSnapshot> shuffled = new ArrayList<>(life);
            for (int extra = random.nextInt(4); extra > 0; extra--) {
                shuffled.add(life.get(random.nextInt(life.size())));
            }
            Collections.shuffle(shuffled, random);
            assertEquals(expected, state(shuffled), "seed " + seed + " round " + round + ": " + shuffled);
        }
        InvoiceLifecycle record = new InvoiceLifecycle("in_1", NOW);
        life.forEach(c -> record.merge(c, NOW));
        assertEquals("paid", record.status());
        assertEquals(4500L, record.amountPaid());
        assertEquals(2, record.attemptCount());
        assertEquals("insufficient_funds", record.declineReason());
        assertNull(record.currentNextPaymentAttempt(), "a paid invoice has no next attempt");
    }

    @Test
    void anOlderCopyNeverTakesBackALaterState() {
        InvoiceLifecycle record = new InvoiceLifecycle("in_1", NOW);
        record.merge(paid(), NOW);
        record.merge(finalized(), NOW);
        record.merge(failed(1, ATTEMPT_2, "card_declined"), NOW);
        assertEquals("paid", record.status());
        assertEquals(4500L, record.amountPaid());
    }

    @Test
    void paidAfterUncollectibleIsPaidInAnyOrder() {
        assertEquals("paid", status(uncollectible(), paid()));
        assertEquals("paid", status(paid(), uncollectible()));
        assertEquals("uncollectible", status(failed(3, null, null), uncollectible(), finalized()));
    }

    private static String status(InvoiceSnapshot... copies) {
        InvoiceLifecycle record = new InvoiceLifecycle("in_1", NOW);
        for (InvoiceSnapshot c : copies) {
            record.merge(c, NOW);
        }
        return record.status();
    }
}
