-- Up Migration

-- Command-side reservations (not read models; a rebuild leaves them alone): an e-mail domain is
-- claimed by one workspace at a time, and each (workspace, settings version) has one writer.
CREATE TABLE sso_domains (
  domain text PRIMARY KEY,
  account_id uuid NOT NULL,
  reserved_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE sso_commands (
  account_id uuid NOT NULL,
  version int NOT NULL,
  reserved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, version)
);

-- SAML state shared by every API process: the AuthnRequest ids issued (InResponseTo is checked
-- against them, and each is used once), and the ids of the assertions accepted, kept until they
-- expire, so a replayed response is refused by whichever process receives it.
CREATE TABLE saml_requests (
  id text PRIMARY KEY,
  issued_at text NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE TABLE saml_assertions (
  id text PRIMARY KEY,
  account_id uuid NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX saml_assertions_expiry ON saml_assertions (expires_at);
CREATE INDEX saml_requests_expiry ON saml_requests (expires_at);

-- Read model: each workspace's SSO settings (services/sso/domain/settings.ts), public parts only.
CREATE TABLE sso_settings (
  account_id uuid PRIMARY KEY,
  version int NOT NULL,
  state jsonb NOT NULL,
  removed boolean NOT NULL,
  updated_at timestamptz NOT NULL
);

-- Down Migration
DROP TABLE sso_settings, saml_assertions, saml_requests, sso_commands, sso_domains;
