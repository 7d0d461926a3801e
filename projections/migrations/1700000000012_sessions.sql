-- Up Migration

-- Login sessions: credentials of the API's own, like the reservations, not a read model (the log
-- holds no session; a rebuild leaves them alone). The cookie's token is kept hashed; the CSRF token
-- is not a credential without the cookie, and the dashboard reads it again after a reload.
CREATE TABLE sessions (
  id uuid PRIMARY KEY,
  token_hash text NOT NULL UNIQUE,
  csrf_token text NOT NULL,
  account_id uuid NOT NULL,
  -- null: a session made from an API key (POST /auth/session), acting with that key's scopes.
  user_id uuid,
  key_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX sessions_user ON sessions (user_id) WHERE revoked_at IS NULL;

-- Down Migration
DROP TABLE sessions;
