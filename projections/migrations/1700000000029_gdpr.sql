-- Up Migration

-- The erased workspaces (WorkspaceErased, from the gdpr topic): each projector leaves out the
-- records of an account found here, so a record appended before the erasure and projected after
-- it (or a rebuild that reaches the events topic after the gdpr topic) does not bring rows back.
CREATE TABLE erased_accounts (
  account_id uuid PRIMARY KEY,
  erased_at timestamptz NOT NULL
);

-- Down Migration
DROP TABLE erased_accounts;
