-- Up Migration

-- What each key may do, where and until when, and when it was revoked (GET /api/v1/api-keys).
-- Keys issued before scopes existed hold every scope.
ALTER TABLE api_keys
  ADD COLUMN scopes text[] NOT NULL DEFAULT '{*}',
  ADD COLUMN rate_limit integer,
  ADD COLUMN expires_at timestamptz,
  ADD COLUMN revoked_at timestamptz,
  ADD COLUMN project_id uuid;
CREATE INDEX api_keys_account ON api_keys (account_id, created_at DESC, id DESC);

-- Down Migration
DROP INDEX api_keys_account;
ALTER TABLE api_keys DROP COLUMN scopes, DROP COLUMN rate_limit, DROP COLUMN expires_at, DROP COLUMN revoked_at, DROP COLUMN project_id;
