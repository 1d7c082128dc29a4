-- A small sample of the legacy billing_service's database, for local runs and tests: the embedded
-- legacy datasource (LEGACY_DB_KIND=derby) is created from this script on first use. Production
-- points LEGACY_DB_* at the real legacy database and never runs it; the SQL that reads it
-- (LEGACY_INVOICES_SQL, LEGACY_PLAN_TIERS_SQL) is configuration, so no legacy schema is hard-coded.
CREATE TABLE legacy_invoice (
    invoice_number  VARCHAR(40)  NOT NULL PRIMARY KEY,
    acct_id         VARCHAR(64)  NOT NULL,
    billing_period  VARCHAR(7)   NOT NULL,
    total_minor     BIGINT       NOT NULL,
    currency        VARCHAR(10)  NOT NULL,
    status          VARCHAR(20)  NOT NULL
);
CREATE TABLE account_plan_usage (
    acct_id            VARCHAR(64)    NOT NULL,
    metric             VARCHAR(64)    NOT NULL,
    tiers_mode         VARCHAR(20)    NOT NULL,
    up_to              BIGINT,
    unit_amount_minor  DECIMAL(20, 6) NOT NULL,
    flat_amount_minor  DECIMAL(20, 6) NOT NULL
);
-- acct_sampledual: a cohort account the legacy system still invoiced while Stripe did too.
INSERT INTO legacy_invoice VALUES ('LEG-2026-10-0001', 'acct_sampledual', '2026-10', 12000, 'usd', 'issued');
INSERT INTO legacy_invoice VALUES ('LEG-2026-09-0001', 'acct_sampledual', '2026-09', 11000, 'usd', 'issued');
-- acct_samplelegacy: still billed by the legacy system only.
INSERT INTO legacy_invoice VALUES ('LEG-2026-10-0002', 'acct_samplelegacy', '2026-10', 5000, 'usd', 'issued');
INSERT INTO legacy_invoice VALUES ('LEG-2026-10-0003', 'acct_samplevoided', '2026-10', 7000, 'usd', 'void');
-- acct_sampletiers: its plan charges 2.00 per impression up to 1,000, then 1.00 (graduated).
INSERT INTO account_plan_usage VALUES ('acct_sampletiers', 'impressions', 'graduated', 1000, 200, 0);
INSERT INTO account_plan_usage VALUES ('acct_sampletiers', 'impressions', 'graduated', NULL, 100, 0);
-- acct_sampleplan: 1.50 per impression up to 1,000, then 1.00 (graduated).
INSERT INTO account_plan_usage VALUES ('acct_sampleplan', 'impressions', 'graduated', 1000, 150, 0);
INSERT INTO account_plan_usage VALUES ('acct_sampleplan', 'impressions', 'graduated', NULL, 100, 0);
