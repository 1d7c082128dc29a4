-- The account table becomes the authority on which account an invoice belongs to and which system
-- bills it, edited by operators through PUT /admin/accounts/{acct_id} during the cohort migration.
-- stripe_customer_id is UNIQUE since V1: one Stripe customer maps to at most one account.
-- Portable between Derby and PostgreSQL.

ALTER TABLE billing_account ADD COLUMN updated_by VARCHAR(320);

-- billed_by is 'legacy' or 'stripe' from now on; 'worker' was the earlier spelling of 'stripe'.
UPDATE billing_account SET billed_by = 'stripe' WHERE billed_by = 'worker';

-- GET /admin/accounts?billed_by=…&after=… reads in acct_id order within one billed_by.
CREATE INDEX billing_account_billed_by ON billing_account (billed_by, acct_id);
