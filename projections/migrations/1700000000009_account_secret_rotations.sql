-- Up Migration

-- Command-side reservation: a global signing secret is replaced once. Two rotations that read
-- the same current secret (a double click, two API processes) would both append, and the secret
-- shown to the first caller would never sign; the second now answers CONFLICT instead.
-- `replaces` is the SHA-256 (hex) of the sealed secret being replaced, unique per seal.
CREATE TABLE account_secret_rotations (
  account_id uuid NOT NULL,
  replaces text NOT NULL,
  reserved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, replaces)
);

-- Down Migration
DROP TABLE account_secret_rotations;
