-- Up Migration

-- The audit log: a read model of the log's changes (projections/audit), rebuilt like the others.
CREATE TABLE audit_log (
  id text PRIMARY KEY,
  account_id uuid NOT NULL,
  at timestamptz NOT NULL,
  resource text NOT NULL,
  resource_id text NOT NULL,
  action text NOT NULL,
  actor_type text,
  actor_id text,
  actor_address text,
  before jsonb,
  after jsonb
);
CREATE INDEX audit_log_account ON audit_log (account_id, at DESC, id DESC);
CREATE INDEX audit_log_resource ON audit_log (resource_id, at DESC);

-- Down Migration
DROP TABLE audit_log;
