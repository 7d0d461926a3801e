-- Up Migration

-- When the workspace finished onboarding (POST /api/v1/me/onboarding-complete).
ALTER TABLE accounts ADD COLUMN onboarded_at timestamptz;

-- Down Migration
ALTER TABLE accounts DROP COLUMN onboarded_at;
