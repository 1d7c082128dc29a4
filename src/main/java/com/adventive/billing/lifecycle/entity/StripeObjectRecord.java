package com.adventive.billing.lifecycle.entity;

import jakarta.persistence.Column;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.Version;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The worker's record of one Stripe object (a customer, a subscription), kept from its newest copy:
 * which copy is newer, taking a copy, and the fixed rule that settles two copies of the same moment
 * when Stripe cannot be asked. Copies are ordered by the moment they describe ({@code as_of}), and
 * the row keeps where its copy came from; each kind says what its content is.
 *
 * @param <C> the copy an event or Stripe gave
 */
@MappedSuperclass
public abstract class StripeObjectRecord<C> {

    @Column(name = "as_of")
    private LocalDateTime asOf;

    private String source;

    @Column(name = "source_event_id")
    private String sourceEventId;

    @Version
    @Column(name = "row_version")
    private long rowVersion;

    @Column(name = "updated_at")
    private LocalDateTime updatedAt;

    /** Whether the copy says what the stored content says. */
    protected abstract boolean sameContent(C copy);

    /** Takes the copy's content; {@code resolvedAcctId} is the account it resolves to now (null: keep the stored one). */
    protected abstract void takeContent(C copy, String resolvedAcctId);

    /** The fixed order of two different contents of the same moment: above zero when the copy's comes later. */
    protected abstract int compareContent(C copy);

    public CopyOrder compare(C copy, ObjectCopy from) {
        return CopyOrder.of(asOf, utc(from), sameContent(copy));
    }

    /** Takes the copy as the object's current state; the stored moment never goes back. */
    public void replaceWith(C copy, String resolvedAcctId, ObjectCopy from, LocalDateTime now) {
        takeContent(copy, resolvedAcctId);
        LocalDateTime copyAsOf = utc(from);
        asOf = asOf == null || copyAsOf.isAfter(asOf) ? copyAsOf : asOf;
        source = from.source();
        sourceEventId = from.eventId();
        updatedAt = now;
    }

    /**
     * Without Stripe to ask, two different copies of the same moment are settled by a fixed rule
     * (the greater content), so the outcome still does not depend on the order they arrived in.
     */
    public boolean settlesTieFor(C copy, ObjectCopy from) {
        return utc(from).equals(asOf) && compareContent(copy) > 0;
    }

    static LocalDateTime utc(ObjectCopy from) {
        return LocalDateTime.ofInstant(from.asOf(), ZoneOffset.UTC);
    }

    public LocalDateTime asOf() { return asOf; }
    public String source() { return source; }
    public String sourceEventId() { return sourceEventId; }
    public LocalDateTime updatedAt() { return updatedAt; }
}
