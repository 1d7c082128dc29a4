-- One row per scheduled firing of the reconciliation, claimed before the firing starts a run. With
-- several instances on one database, two persistent timers for the same schedule can exist (two
-- instances starting together each found none and each created one) and both fire for the same
-- slot: the primary key, not a lock, decides which firing runs; the other one only logs.
-- firing_key is the timer's schedule and the slot's next timeout (the same for every timer of that
-- schedule firing for that slot). run_id is the run the firing started or joined (NULL until then:
-- a claim left without a run by a crash may be taken over after a while).
-- Portable between Derby (embedded default) and PostgreSQL.

CREATE TABLE reconcile_firing (
    firing_key    VARCHAR(200)  NOT NULL PRIMARY KEY,
    schedule      VARCHAR(120)  NOT NULL,
    next_timeout  TIMESTAMP,
    claimed_by    VARCHAR(200)  NOT NULL,
    claimed_at    TIMESTAMP     NOT NULL,
    run_id        BIGINT
);
CREATE INDEX reconcile_firing_claimed ON reconcile_firing (claimed_at);
