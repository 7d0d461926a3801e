-- Up Migration

-- Command-side reservations of SCIM Users (the API's own, not read models), as alert rules and
-- connectors have them: a userName (lower-cased) is one User's per workspace while it lives
-- (`project_id` holds the workspace: NameReservations' column), and each (User, version) has
-- one writer, so two API processes cannot both append "version n+1" or provision one name twice.
CREATE TABLE scim_user_names (
  project_id uuid NOT NULL,
  name text NOT NULL,
  scim_id uuid NOT NULL,
  reserved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, name)
);
CREATE TABLE scim_user_commands (
  scim_id uuid NOT NULL,
  version int NOT NULL,
  reserved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scim_id, version)
);

-- Down Migration
DROP TABLE scim_user_commands, scim_user_names;
