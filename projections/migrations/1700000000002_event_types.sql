-- Up Migration

-- Command-side reservations. A name is unique per project while its event type lives; deleting
-- the event type frees it.
CREATE TABLE event_type_names (
  project_id uuid NOT NULL,
  name text NOT NULL,
  event_type_id uuid NOT NULL,
  reserved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, name)
);

-- One writer per (event type, version), so concurrent API processes cannot both append "version n+1".
CREATE TABLE event_type_commands (
  event_type_id uuid NOT NULL,
  version int NOT NULL,
  reserved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_type_id, version)
);

CREATE TABLE event_types (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL,
  project_id uuid NOT NULL,
  name text NOT NULL,
  -- services/event-types/domain/evolve.ts EventTypeState, as folded from the log.
  state jsonb NOT NULL,
  deleted boolean NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX event_types_list ON event_types (project_id, created_at DESC, id DESC) WHERE NOT deleted;
-- Not unique: uniqueness is the command side's (event_type_names); a read model only mirrors the log.
CREATE INDEX event_types_by_name ON event_types (project_id, name) WHERE NOT deleted;

-- Down Migration
DROP TABLE event_types, event_type_commands, event_type_names;
