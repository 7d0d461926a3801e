-- Up Migration

-- Command-side reservations (not a read model; a rebuild leaves it alone): each (workspace,
-- subscription version) has one writer, so two API processes (or a route and a provider's
-- webhook) cannot both append "version n+1" of one subscription.
CREATE TABLE billing_commands (
  account_id uuid NOT NULL,
  version int NOT NULL,
  reserved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, version)
);

-- Down Migration
DROP TABLE billing_commands;
