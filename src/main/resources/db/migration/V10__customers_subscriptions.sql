-- What Stripe says about an account beyond its invoices: the customer's email (the address the
-- next invoice email goes to) and its subscriptions (plan, status, items). One row per Stripe
-- object; as_of is the moment the stored copy describes (its event's created time, or when it was
-- fetched from Stripe), so an older copy never overwrites a newer one whatever order events arrive in.
-- Portable between Derby (embedded default) and PostgreSQL.

CREATE TABLE stripe_customer (
    stripe_customer_id  VARCHAR(255) NOT NULL PRIMARY KEY,
    acct_id             VARCHAR(64),
    email               VARCHAR(320),
    as_of               TIMESTAMP    NOT NULL,
    source              VARCHAR(20)  NOT NULL,
    source_event_id     VARCHAR(255),
    row_version         BIGINT       NOT NULL,
    updated_at          TIMESTAMP    NOT NULL
);
CREATE INDEX stripe_customer_acct ON stripe_customer (acct_id);

-- items_json: [{"id":"si_…","price":"price_…","quantity":N}, …] in Stripe's order.
CREATE TABLE account_subscription (
    stripe_subscription_id  VARCHAR(255)  NOT NULL PRIMARY KEY,
    stripe_customer_id      VARCHAR(255),
    acct_id                 VARCHAR(64),
    status                  VARCHAR(30),
    plan                    VARCHAR(255),
    items_json              VARCHAR(4000),
    canceled_at             TIMESTAMP,
    as_of                   TIMESTAMP     NOT NULL,
    source                  VARCHAR(20)   NOT NULL,
    source_event_id         VARCHAR(255),
    row_version             BIGINT        NOT NULL,
    updated_at              TIMESTAMP     NOT NULL
);
CREATE INDEX account_subscription_acct ON account_subscription (acct_id);
CREATE INDEX account_subscription_customer ON account_subscription (stripe_customer_id);
