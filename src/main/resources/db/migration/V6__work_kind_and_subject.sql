-- Work is not only Stripe events: a work item names its kind and its subject (the stored event,
-- a usage ledger record, ...). event_id stays for work that comes from a Stripe event, now nullable.
-- Portable between Derby (embedded default) and PostgreSQL: neither accepts the other's syntax for
-- dropping NOT NULL, so the column is re-created instead, and "subject present" is a CHECK.

ALTER TABLE work_item ADD COLUMN subject VARCHAR(255);
UPDATE work_item SET subject = event_id;
ALTER TABLE work_item ADD CONSTRAINT work_item_subject_present CHECK (subject IS NOT NULL);

ALTER TABLE work_item DROP COLUMN event_id;
ALTER TABLE work_item ADD COLUMN event_id VARCHAR(255);
UPDATE work_item SET event_id = subject;
ALTER TABLE work_item ADD CONSTRAINT work_item_event_fk FOREIGN KEY (event_id) REFERENCES stripe_event (event_id);

-- One item per kind and subject: submitting the same work twice finds the first.
CREATE UNIQUE INDEX work_item_kind_subject ON work_item (kind, subject);
CREATE INDEX work_item_event ON work_item (event_id);
