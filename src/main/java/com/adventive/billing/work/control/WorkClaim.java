package com.adventive.billing.work.control;

/**
 * One run's hold on a work item. The token is fresh per claim: every completion (finish, retry,
 * fail, defer) and every lease renewal names it, and applies only while the item still carries it.
 *
 * @param attempt the attempt this run is (1 for the first)
 */
public record WorkClaim(long itemId, String token, int attempt, String kind, String subject, String eventId) {
}
