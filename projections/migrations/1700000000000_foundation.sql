-- Up Migration

-- Where each projector is in the log: written in the same transaction as its read-model change.
CREATE TABLE projection_checkpoints (
  projector text NOT NULL,
  topic text NOT NULL,
  partition int NOT NULL,
  next_offset bigint NOT NULL,
  PRIMARY KEY (projector, topic, partition)
);

-- Command-side reservations (unique constraints the log cannot give).
CREATE TABLE account_emails (
  email text PRIMARY KEY,
  account_id uuid NOT NULL,
  reserved_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE idempotency_keys (
  project_id uuid NOT NULL,
  key text NOT NULL,
  event_id uuid NOT NULL,
  reserved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, key)
);

-- Read models.
CREATE TABLE accounts (
  id uuid PRIMARY KEY,
  email text NOT NULL,
  company_name text NOT NULL,
  project_id uuid NOT NULL,
  plan text NOT NULL,
  signing_secret_enc text NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE TABLE api_keys (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL,
  name text NOT NULL,
  prefix text NOT NULL,
  created_at timestamptz NOT NULL
);

CREATE TABLE events (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL,
  project_id uuid NOT NULL,
  idempotency_key text NOT NULL,
  destination text,
  event_type text,
  payload json NOT NULL, -- json, not jsonb: the exact text is what a replay sends
  headers jsonb NOT NULL,
  status text NOT NULL,
  attempts int NOT NULL DEFAULT 0,
  max_attempts int NOT NULL,
  priority int NOT NULL,
  delay_seconds int NOT NULL,
  -- The current routing (replays start a new one); NULL while the event waits to be routed.
  routed_at timestamptz,
  dest_total int,
  created_at timestamptz NOT NULL,
  delivered_at timestamptz,
  updated_at timestamptz NOT NULL
);
CREATE INDEX events_list ON events (project_id, created_at DESC, id DESC);
CREATE INDEX events_by_status ON events (project_id, status, created_at DESC, id DESC);

-- One row per dispatch. Outcomes may be projected before the routing that created the dispatch
-- (different partitions), so rows are upserted from either side and the event's status is
-- recomputed from the rows of its current routing.
CREATE TABLE event_destinations (
  dispatch_id uuid PRIMARY KEY,
  event_id uuid NOT NULL,
  endpoint_id uuid,
  url text NOT NULL,
  routed_at timestamptz,
  state text NOT NULL DEFAULT 'queued',
  attempts int NOT NULL DEFAULT 0,
  delivered_at timestamptz
);
CREATE INDEX event_destinations_event ON event_destinations (event_id);

CREATE TABLE delivery_attempts (
  id uuid PRIMARY KEY,
  event_id uuid NOT NULL,
  dispatch_id uuid NOT NULL,
  account_id uuid NOT NULL,
  project_id uuid NOT NULL,
  endpoint_id uuid,
  event_type text,
  url text NOT NULL,
  attempt_number int NOT NULL,
  outcome text NOT NULL,
  status_code int,
  response_body text NOT NULL,
  error text NOT NULL,
  error_category text,
  duration_ms int NOT NULL,
  processing_overhead_us bigint NOT NULL,
  attempted_at timestamptz NOT NULL,
  event_created_at timestamptz NOT NULL
);
CREATE INDEX delivery_attempts_event ON delivery_attempts (event_id, attempted_at, attempt_number);
CREATE INDEX delivery_attempts_time ON delivery_attempts (project_id, attempted_at DESC);

-- Down Migration
DROP TABLE delivery_attempts, event_destinations, events, api_keys, accounts,
  idempotency_keys, account_emails, projection_checkpoints;
