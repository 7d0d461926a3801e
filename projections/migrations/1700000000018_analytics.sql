-- Up Migration

-- Analytics (projections/analytics/projector.ts): counters and a latency sketch per project,
-- endpoint and UTC hour, from EventAccepted and DeliveryAttempted records; the routes sum hours
-- (and merge sketches) into hourly or daily buckets, never reading attempts.
--
-- analytics_counted holds each counted record's id (an event id, an attempt id) once, under the
-- hour it counts in, so a record delivered again is not counted twice: the hourly counters
-- only ever add up what this insert let through. The hour leads the key so that inserts land at
-- the index's recent end rather than all over it.
CREATE TABLE analytics_counted (
  hour timestamptz NOT NULL,
  record_id uuid NOT NULL,
  PRIMARY KEY (hour, record_id)
);

-- endpoint_key is the endpoint's id, or '' for direct destinations and for accepted events
-- (which belong to no endpoint yet). Counts of one hour; services/analytics/domain/tally.ts says
-- what each record adds. latency_sketch is a DDSketch (relative accuracy 1 %) of the hour's
-- network attempts, in protobuf, in services/analytics/domain/latency.ts's canonical form (so a
-- rebuild writes the same bytes); NULL until the hour has one.
CREATE TABLE analytics_hourly (
  project_id uuid NOT NULL,
  endpoint_key text NOT NULL,
  hour timestamptz NOT NULL,
  account_id uuid NOT NULL,
  accepted bigint NOT NULL,
  dispatched bigint NOT NULL,
  delivered bigint NOT NULL,
  retried bigint NOT NULL,
  dead bigint NOT NULL,
  cancelled bigint NOT NULL,
  failed bigint NOT NULL,
  fail_timeout bigint NOT NULL,
  fail_4xx bigint NOT NULL,
  fail_5xx bigint NOT NULL,
  fail_dns bigint NOT NULL,
  fail_tls bigint NOT NULL,
  fail_refused bigint NOT NULL,
  fail_reset bigint NOT NULL,
  fail_blocked bigint NOT NULL,
  fail_transform bigint NOT NULL,
  fail_other bigint NOT NULL,
  last_success_at timestamptz,
  last_failure_at timestamptz,
  latency_sketch bytea,
  PRIMARY KEY (project_id, endpoint_key, hour)
);
-- A project's whole range across its endpoints (the primary key serves one endpoint's).
CREATE INDEX analytics_hourly_project_hour ON analytics_hourly (project_id, hour);

-- Down Migration
DROP TABLE analytics_hourly, analytics_counted;
