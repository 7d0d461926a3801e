-- Up Migration

-- Delivery attempts per account and calendar month (UTC), counted from DeliveryAttempted records
-- of the outcomes topic (projections/usage/attempts-projector.ts), beside the messages of
-- usage_monthly. As there, usage_attempts_counted holds each counted attempt id once, so a record
-- delivered again (a crash, a rebalance, a rebuild racing the live projector) is not counted
-- twice; usage_attempts_monthly is the sum GET /usage reads.
CREATE TABLE usage_attempts_counted (
  attempt_id uuid PRIMARY KEY,
  account_id uuid NOT NULL,
  month date NOT NULL
);

CREATE TABLE usage_attempts_monthly (
  account_id uuid NOT NULL,
  month date NOT NULL,
  attempts bigint NOT NULL,
  PRIMARY KEY (account_id, month)
);

-- Down Migration
DROP TABLE usage_attempts_monthly, usage_attempts_counted;
