-- A usage record's report work item is created at the reporting pace by UsageReportWaker, not by
-- POST /usage: a batch of 1,000 records is then 1,000 ledger rows instead of 1,000 more work items
-- with their five indexes, most of which would wait hours for their turn at USAGE_REPORT_RATE anyway.
-- report_queued_at: when the record's report work item was created; NULL until then.
-- Every existing record already has its work item (or, a negative adjustment, never needs one).
-- Portable between Derby (embedded default) and PostgreSQL.

ALTER TABLE usage_record ADD COLUMN report_queued_at TIMESTAMP;

UPDATE usage_record SET report_queued_at = recorded_at;

-- The waker reads the oldest records not yet queued: report_queued_at IS NULL, in id order.
CREATE INDEX usage_record_report_queue ON usage_record (report_queued_at, id);
