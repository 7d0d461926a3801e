-- Up Migration

-- A mailed link (an invitation, a verification, a password reset) works once: its use is
-- reserved here before the change is appended, so two concurrent clicks cannot both succeed.
CREATE TABLE token_uses (
  token_hash text PRIMARY KEY,
  used_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE token_uses;
