-- Up Migration

-- Command-side reservations. A connector's name is unique per project while it lives; deleting
-- it (or renaming it) frees the name.
CREATE TABLE connector_names (
  project_id uuid NOT NULL,
  name text NOT NULL,
  connector_id uuid NOT NULL,
  reserved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, name)
);

-- One writer per (connector, version), so concurrent API processes cannot both append "version n+1".
CREATE TABLE connector_commands (
  connector_id uuid NOT NULL,
  version int NOT NULL,
  reserved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connector_id, version)
);

CREATE TABLE connectors (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL,
  project_id uuid NOT NULL,
  name text NOT NULL,
  -- services/connectors/domain/evolve.ts ConnectorState, as folded from the log (secrets sealed).
  state jsonb NOT NULL,
  deleted boolean NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX connectors_list ON connectors (project_id, created_at DESC, id DESC) WHERE NOT deleted;
-- Not unique: uniqueness is the command side's (connector_names); a read model only mirrors the log.
CREATE INDEX connectors_by_name ON connectors (project_id, name) WHERE NOT deleted;

-- Down Migration
DROP TABLE connectors, connector_commands, connector_names;
