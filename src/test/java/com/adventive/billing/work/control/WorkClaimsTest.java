package com.adventive.billing.work.control;

import com.adventive.billing.platform.control.RecordingOperationalLog;
import com.adventive.billing.platform.control.Settings;
import com.adventive.billing.work.entity.WorkState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a run's outcome is recorded: only under its own claim, deferrals without spending an attempt,
 * and how the heartbeat keeps (and stops keeping) a run's lease.
 */
class WorkClaimsTest {

    private static final WorkClaim CLAIM = new WorkClaim(7, "token-a", 2, "invoice.finalized", "evt_1", "evt_1");
    private static final WorkContext CONTEXT = new WorkContext(7, "invoice.finalized", "evt_1", 2, "evt_1");

    private final RecordingLedger ledger = new RecordingLedger();
    private final RecordingOperationalLog log = new RecordingOperationalLog();
    private final WorkRunner runner = runner();

    @Test
    void waitingForAnotherWorkersSendIsADeferralThatDoesNotCountAsAnAttempt() {
        runner.work(CLAIM, CONTEXT, () -> {
            throw new WorkDeferred("email <m@x> is being sent by another worker", null);
        });
        assertEquals(List.of("defer token-a"), ledger.calls, "deferred, not retried: the attempt is given back");
        assertTrue(log.types.isEmpty(), "nothing failed: " + log.types);
    }

    @Test
    void anOrdinaryFailureIsRetriedAndCounts() {
        runner.work(CLAIM, CONTEXT, () -> {
            throw new IllegalStateException("bucket down");
        });
        assertEquals(List.of("retryLater token-a"), ledger.calls);
    }

    @Test
    void aRunThatLostItsClaimDoesNotOverwriteAndLeavesATrace() {
        ledger.claimHeld = false;
        runner.work(CLAIM, CONTEXT, () -> WorkState.SKIPPED);
        assertEquals(List.of("finish token-a skipped"), ledger.calls, "the conditional update is tried once");
        assertEquals(List.of("work_claim_lost"), log.types);
        assertTrue(log.details.get(0).contains("skipped"), log.details.get(0));
    }

    @Test
    void aPermanentFailureOfALostClaimIsNotReportedAsTheItemsFailure() {
        ledger.claimHeld = false;
        runner.work(CLAIM, CONTEXT, () -> {
            throw new PermanentWorkFailure("stripe_response_invalid", "other invoice");
        });
        assertEquals(List.of("fail token-a stripe_response_invalid"), ledger.calls);
        assertEquals(List.of("work_claim_lost"), log.types, "not work_failed: the item did not fail");
    }

    @Test
    void aLostDeferralAndALostRetryAreReportedToo() {
        ledger.claimHeld = false;
        runner.work(CLAIM, CONTEXT, () -> {
            throw new WorkDeferred("busy", null);
        });
        runner.work(CLAIM, CONTEXT, () -> {
            throw new IllegalStateException("boom");
        });
        assertEquals(List.of("work_claim_lost", "work_claim_lost"), log.types);
    }

    @Test
    void theLastAttemptThatFailsIsReportedAsWorkFailed() {
        ledger.retryLeaves = WorkState.FAILED;
        runner.work(CLAIM, CONTEXT, () -> {
            throw new IllegalStateException("boom");
        });
        assertEquals(List.of("work_failed"), log.types);
    }

    // --- the heartbeat ---

    @Test
    void aLiveRunIsRenewedEveryThirdOfTheLeaseAndAtLeastEveryTenSeconds() {
        assertEquals(Duration.ofSeconds(2), WorkLeases.heartbeatInterval(Duration.ofSeconds(6)));
        assertEquals(Duration.ofSeconds(10), WorkLeases.heartbeatInterval(Duration.ofSeconds(300)));
        assertEquals(Duration.ofSeconds(1), WorkLeases.heartbeatInterval(Duration.ofSeconds(2)));
        assertTrue(WorkLeases.silenceOfADeadRun(Duration.ofSeconds(600)).compareTo(Duration.ofSeconds(20)) > 0,
                "two missed beats");
    }

    @Test
    void theHeartbeatRenewsARunOnlyWhenDueAndStopsPastTheLongestRun() {
        WorkLeases leases = leases(Duration.ofSeconds(6), Duration.ofSeconds(60));
        leases.track(CLAIM);
        long start = System.nanoTime();

        leases.beat(start + seconds(1));
        assertTrue(ledger.calls.isEmpty(), "not due before a third of the lease");
        leases.beat(start + seconds(2));
        assertEquals(List.of("renew token-a"), ledger.calls);
        leases.beat(start + seconds(3));
        assertEquals(1, ledger.calls.size(), "renewed two seconds ago");
        leases.beat(start + seconds(4));
        assertEquals(2, ledger.calls.size());

        leases.beat(start + seconds(61));
        leases.beat(start + seconds(70));
        assertEquals(2, ledger.calls.size(), "a run older than WORK_RUN_MAX_SECONDS is left to lapse");
    }

    @Test
    void aRunThatLostItsClaimIsNotRenewedAgainAndAFinishedRunNotAtAll() {
        WorkLeases leases = leases(Duration.ofSeconds(6), Duration.ofSeconds(600));
        leases.track(CLAIM);
        long start = System.nanoTime();
        ledger.claimHeld = false;
        leases.beat(start + seconds(2));
        leases.beat(start + seconds(4));
        assertEquals(List.of("renew token-a"), ledger.calls);

        WorkClaim next = new WorkClaim(8, "token-b", 1, "invoice.finalized", "evt_2", "evt_2");
        leases.track(next);
        leases.untrack(next);
        assertEquals(1, leases.liveRuns(), "only the run of item 7 is left");
        leases.untrack(new WorkClaim(7, "a later claim's token", 3, "invoice.finalized", "evt_1", "evt_1"));
        assertEquals(1, leases.liveRuns(), "a run untracks only its own claim");
    }

    @Test
    void theDefaultWorkerIdIsStablePerServerAndDiffersBetweenServersOnOneHost() {
        String a = WorkerIdentity.defaultWorkerId("build-7", "/srv/wlp/usr/servers/billingServer");
        assertEquals(a, WorkerIdentity.defaultWorkerId("build-7", "/srv/wlp/usr/servers/billingServer"));
        assertNotEquals(a, WorkerIdentity.defaultWorkerId("build-7", "/srv/other/usr/servers/billingServer"));
        assertNotEquals(a, WorkerIdentity.defaultWorkerId("build-8", "/srv/wlp/usr/servers/billingServer"));
        assertTrue(a.startsWith("build-7:"), a);
        assertFalse(WorkerIdentity.defaultWorkerId("we ird/host", "/x").contains(" "));
    }

    // --- fakes ---

    private static long seconds(long s) {
        return Duration.ofSeconds(s).toNanos();
    }

    private WorkRunner runner() {
        WorkRunner r = new WorkRunner();
        r.ledger = ledger;
        r.operationalLog = log;
        return r;
    }

    private WorkLeases leases(Duration lease, Duration maxRun) {
        WorkLeases leases = new WorkLeases();
        leases.ledger = ledger;
        leases.settings = new Settings() {
            @Override
            public Duration workLease() {
                return lease;
            }

            @Override
            public Duration workRunMax() {
                return maxRun;
            }
        };
        return leases;
    }

    static final class RecordingLedger extends WorkLedger {
        final List<String> calls = new ArrayList<>();
        boolean claimHeld = true;
        WorkState retryLeaves = WorkState.PENDING;

        @Override
        public boolean finish(WorkClaim claim, WorkState outcome) {
            calls.add("finish " + claim.token() + " " + outcome.dbValue());
            return claimHeld;
        }

        @Override
        public Optional<WorkState> retryLater(WorkClaim claim, String error) {
            calls.add("retryLater " + claim.token());
            return claimHeld ? Optional.of(retryLeaves) : Optional.empty();
        }

        @Override
        public boolean fail(WorkClaim claim, String reason, String error) {
            calls.add("fail " + claim.token() + " " + reason);
            return claimHeld;
        }

        @Override
        public boolean defer(WorkClaim claim) {
            calls.add("defer " + claim.token());
            return claimHeld;
        }

        @Override
        public List<WorkClaim> renew(List<WorkClaim> claims, Duration lease) {
            claims.forEach(c -> calls.add("renew " + c.token()));
            return claimHeld ? List.of() : List.copyOf(claims);
        }
    }
}
