-- Work claims: who holds a running item, and proof of life while it runs.
-- Portable between Derby (embedded default) and PostgreSQL.
--   claim_token  a fresh value per claim; a completion applies only while its token is still the item's,
--                so a run that lost its claim (lease lapsed, item claimed again) can never overwrite
--   claimed_by   the stable identity of the server instance that claimed it (WORKER_ID)
--   claim_run    the server run (one per start) that claimed it: after a restart, claims of an earlier
--                run of the same instance are known dead and are released at once
--   renewed_at   the last heartbeat of the run holding the claim

ALTER TABLE work_item ADD COLUMN claim_token VARCHAR(36);
ALTER TABLE work_item ADD COLUMN claimed_by VARCHAR(200);
ALTER TABLE work_item ADD COLUMN claim_run VARCHAR(36);
ALTER TABLE work_item ADD COLUMN renewed_at TIMESTAMP;

CREATE INDEX work_item_claimed_by ON work_item (state, claimed_by);
