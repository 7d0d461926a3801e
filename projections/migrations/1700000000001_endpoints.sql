-- Up Migration

-- Command-side reservation: one writer per (endpoint, version), so concurrent API processes
-- cannot both append "version n+1".
CREATE TABLE endpoint_commands (
  endpoint_id uuid NOT NULL,
  version int NOT NULL,
  reserved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (endpoint_id, version)
);

CREATE TABLE endpoints (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL,
  project_id uuid NOT NULL,
  -- services/endpoints/domain/evolve.ts EndpointState, as folded from the log.
  state jsonb NOT NULL,
  deleted boolean NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX endpoints_list ON endpoints (project_id, created_at DESC, id DESC) WHERE NOT deleted;

CREATE TABLE endpoint_versions (
  endpoint_id uuid NOT NULL,
  version int NOT NULL,
  change text NOT NULL,
  config jsonb NOT NULL,
  paused boolean NOT NULL,
  rolled_back_to int,
  at timestamptz NOT NULL,
  PRIMARY KEY (endpoint_id, version)
);

-- Down Migration
DROP TABLE endpoint_versions, endpoints, endpoint_commands;
