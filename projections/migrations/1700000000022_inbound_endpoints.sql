-- Up Migration

-- Command-side reservations. A path suffix is unique across the deployment while its inbound
-- endpoint lives (it is the receiver URL); deleting the endpoint, or moving it to another
-- suffix, frees it.
CREATE TABLE inbound_path_suffixes (
  path_suffix text PRIMARY KEY,
  inbound_endpoint_id uuid NOT NULL,
  reserved_at timestamptz NOT NULL DEFAULT now()
);

-- One writer per (inbound endpoint, version), so concurrent API processes cannot both append "version n+1".
CREATE TABLE inbound_endpoint_commands (
  inbound_endpoint_id uuid NOT NULL,
  version int NOT NULL,
  reserved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (inbound_endpoint_id, version)
);

CREATE TABLE inbound_endpoints (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL,
  project_id uuid NOT NULL,
  -- services/inbound/domain/evolve.ts InboundState, as folded from the log (secrets sealed).
  state jsonb NOT NULL,
  deleted boolean NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX inbound_endpoints_list ON inbound_endpoints (project_id, created_at DESC, id DESC) WHERE NOT deleted;

-- Down Migration
DROP TABLE inbound_endpoints, inbound_endpoint_commands, inbound_path_suffixes;
