-- Up Migration

-- The API processes serving now, each seen every few seconds: a key's rate limit is shared
-- among them (each admits its part), so the limit holds however many serve. API-side state.
CREATE UNLOGGED TABLE api_processes (
  id uuid PRIMARY KEY,
  seen_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE api_processes;
