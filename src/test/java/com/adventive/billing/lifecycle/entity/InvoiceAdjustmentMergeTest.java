package com.adventive.billing.lifecycle.entity;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A dispute's or a refund's events merge into the same record in any order and with any repeats. */
class InvoiceAdjustmentMergeTest {

    private static final LocalDateTime NOW = LocalDateTime.parse("2026-11-25T00:00:00");
    private static final Instant DUE = Instant.parse("2026-12-02T00:00:00Z");

    private static AdjustmentSnapshot dispute(String status) {
        return new AdjustmentSnapshot("du_1", AdjustmentSnapshot.DISPUTE, null, "ch_1", status, "fraudulent", 4500L,
                "eur", DUE);
    }

    private static AdjustmentSnapshot refund(long refunded, boolean full) {
        return new AdjustmentSnapshot("ch_1", AdjustmentSnapshot.REFUND, "in_1", "ch_1",
                full ? "refunded" : "partially_refunded", null, refunded, "eur", null);
    }

    private static String merged(String kind, List<AdjustmentSnapshot> copies) {
        InvoiceAdjustment record = new InvoiceAdjustment(copies.get(0).objectId(), kind, NOW);
        copies.forEach(c -> record.merge(c, NOW));
        return record.status() + "|" + record.amount() + "|" + record.reason() + "|" + record.evidenceDueBy() + "|"
                + record.stripeInvoiceId() + "|" + record.chargeId();
    }

    @Test
    void anyOrderOfADisputesLifeEndsWon() {
        assertSameForAnyOrder(AdjustmentSnapshot.DISPUTE,
                List.of(dispute("needs_response"), dispute("under_review"), dispute("won")), "won|4500");
    }

    @Test
    void anyOrderOfRefundsEndsFullyRefunded() {
        assertSameForAnyOrder(AdjustmentSnapshot.REFUND, List.of(refund(500, false), refund(4500, true)), "refunded|4500");
    }

    private static void assertSameForAnyOrder(String kind, List<AdjustmentSnapshot> life, String expectedPrefix) {
        String expected = merged(kind, life);
        assertEquals(true, expected.startsWith(expectedPrefix), expected);
        long seed = 7L;
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            List<AdjustmentSnapshot> copies = new ArrayList<>(life);
            for (int extra = random.nextInt(3); extra > 0; extra--) {
                copies.add(life.get(random.nextInt(life.size())));
            }
            Collections.shuffle(copies, random);
            assertEquals(expected, merged(kind, copies), "seed " + seed + " round " + round);
        }
    }
}
