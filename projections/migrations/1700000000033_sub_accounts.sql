-- Up Migration

-- Command-side reservations (services/sub-accounts): a subID is unique per project while its
-- sub-account is active; one writer per (sub-account, version).
CREATE TABLE sub_account_names (
  project_id uuid NOT NULL,
  name text NOT NULL,
  sub_account_id uuid NOT NULL,
  reserved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, name)
);
CREATE TABLE sub_account_commands (
  sub_account_id uuid NOT NULL,
  version int NOT NULL,
  reserved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sub_account_id, version)
);

-- The read model: each sub-account's state folded from the log (name = its subID).
CREATE TABLE sub_accounts (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL,
  project_id uuid NOT NULL,
  name text NOT NULL,
  state jsonb NOT NULL,
  deleted boolean NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX sub_accounts_list ON sub_accounts (project_id, created_at DESC, id DESC) WHERE NOT deleted;
CREATE INDEX sub_accounts_by_name ON sub_accounts (project_id, name) WHERE NOT deleted;

-- Portal sessions: credentials of the API's own, like login sessions (1700000000012), not a read
-- model. Both tokens are kept as SHA-256 only. The exchange token works once (exchanged_at) and
-- briefly; the session token's expiry slides by ttl_seconds on each use.
CREATE TABLE portal_sessions (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL,
  project_id uuid NOT NULL,
  sub_account_id uuid NOT NULL,
  exchange_hash text NOT NULL UNIQUE,
  exchange_expires_at timestamptz NOT NULL,
  exchanged_at timestamptz,
  token_hash text UNIQUE,
  return_url text NOT NULL,
  ttl_seconds int NOT NULL,
  expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX portal_sessions_sub_account ON portal_sessions (sub_account_id, created_at DESC) WHERE revoked_at IS NULL;

-- Which sub-account an event is for (null: the workspace's own), so its portal lists only its events.
ALTER TABLE events ADD COLUMN sub_account_id uuid;
CREATE INDEX events_sub_account ON events (project_id, sub_account_id, created_at DESC, id DESC) WHERE sub_account_id IS NOT NULL;
-- A sub-account's endpoints, listed by its portal.
CREATE INDEX endpoints_sub_account ON endpoints (project_id, (state->>'subAccountId'), created_at DESC, id DESC) WHERE NOT deleted AND state->>'subAccountId' IS NOT NULL;

-- Down Migration
DROP INDEX endpoints_sub_account;
ALTER TABLE events DROP COLUMN sub_account_id;
DROP TABLE portal_sessions, sub_accounts, sub_account_commands, sub_account_names;
