-- Up Migration

-- Messages accepted per account and calendar month (UTC), counted from EventAccepted records
-- (projections/usage/projector.ts). usage_counted holds each counted event id once, so a record
-- delivered again (a crash, a rebalance, a rebuild racing the live projector) is not counted
-- twice; usage_monthly is the sum the quota reads, one row per account and month.
CREATE TABLE usage_counted (
  event_id uuid PRIMARY KEY,
  account_id uuid NOT NULL,
  month date NOT NULL
);

CREATE TABLE usage_monthly (
  account_id uuid NOT NULL,
  month date NOT NULL,
  messages bigint NOT NULL,
  PRIMARY KEY (account_id, month)
);

-- Down Migration
DROP TABLE usage_monthly, usage_counted;
