-- Up Migration

-- The workspace's global signing secret can be rotated (AccountSigningSecretRotated): the one it
-- replaced keeps signing alongside until previous_secret_expires_at.
ALTER TABLE accounts ADD COLUMN previous_secret_enc text, ADD COLUMN previous_secret_expires_at timestamptz;

-- Down Migration
ALTER TABLE accounts DROP COLUMN previous_secret_enc, DROP COLUMN previous_secret_expires_at;
