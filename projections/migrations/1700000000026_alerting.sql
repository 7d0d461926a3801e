-- Up Migration

-- Command-side reservations, as connectors have them: a rule's name is unique per project while
-- it lives, and each (rule, version) has one writer.
CREATE TABLE alert_rule_names (
  project_id uuid NOT NULL,
  name text NOT NULL,
  rule_id uuid NOT NULL,
  reserved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, name)
);
CREATE TABLE alert_rule_commands (
  rule_id uuid NOT NULL,
  version int NOT NULL,
  reserved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (rule_id, version)
);

-- Read model: each rule's folded state (services/alerting/domain/evolve.ts), secrets still sealed.
CREATE TABLE alert_rules (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL,
  project_id uuid NOT NULL,
  name text NOT NULL,
  state jsonb NOT NULL,
  deleted boolean NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX alert_rules_list ON alert_rules (project_id, created_at DESC, id DESC) WHERE NOT deleted;

-- Read model: every AlertFired and AlertResolved, from the alerts topic.
CREATE TABLE alert_history (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL,
  project_id uuid NOT NULL,
  rule_id uuid NOT NULL,
  kind text NOT NULL,
  rule_name text NOT NULL,
  metric text NOT NULL,
  operator text NOT NULL,
  value double precision,
  threshold double precision NOT NULL,
  severity text NOT NULL,
  dedup_key text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX alert_history_list ON alert_history (project_id, created_at DESC, id DESC);

-- The evaluator's working state (not a read model: the evaluator writes it, under the rule's
-- advisory lock, beside appending AlertFired/AlertResolved). Lost, it starts every rule "ok".
CREATE TABLE alert_evaluations (
  rule_id uuid PRIMARY KEY,
  status text NOT NULL,
  dedup_key text,
  notified_at bigint,
  value double precision,
  evaluated_at bigint NOT NULL
);

-- Down Migration
DROP TABLE alert_evaluations, alert_history, alert_rules, alert_rule_commands, alert_rule_names;
