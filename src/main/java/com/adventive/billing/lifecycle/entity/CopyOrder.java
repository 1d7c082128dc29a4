package com.adventive.billing.lifecycle.entity;

import java.time.LocalDateTime;

/** How an incoming copy of an object compares with the stored one, by the moment each describes. */
public enum CopyOrder {
    /** Describes a later moment than what is stored (or nothing is stored): it replaces the stored copy. */
    NEWER,
    /** Says nothing the stored copy does not: nothing to do. */
    SAME,
    /**
     * Describes an earlier moment, or the same moment with different content: on its own it cannot
     * say what the object is now, so Stripe's current copy is asked for.
     */
    STALE;

    static CopyOrder of(LocalDateTime storedAsOf, LocalDateTime copyAsOf, boolean sameContent) {
        if (storedAsOf == null || copyAsOf.isAfter(storedAsOf)) {
            return NEWER;
        }
        return sameContent ? SAME : STALE;
    }
}
