-- Up Migration

-- The counting projections (analytics, usage, usage-attempts) are applied once per log position
-- (Projection.oncePerPosition; projections/usage/count-once.ts says why that is once per record):
-- the tables of the ids they had counted, an index insert per record, go.
DROP TABLE analytics_counted, usage_counted, usage_attempts_counted;

-- Rollups beside analytics_hourly, so that a long range reads few rows
-- (projections/analytics/queries.ts): analytics_daily holds the same counters and sketch per
-- project, endpoint and UTC day, and both tables hold, under endpoint_key '*', the project's
-- row over every endpoint and the direct destinations. A range answers from whole days of
-- analytics_daily and the hours at its ends from analytics_hourly; all endpoints from '*'.
-- The projector writes every row a record adds to in the statements that write its hour.
CREATE TABLE analytics_daily (LIKE analytics_hourly INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
ALTER TABLE analytics_daily RENAME COLUMN hour TO day;
ALTER TABLE analytics_daily ADD PRIMARY KEY (project_id, endpoint_key, day);

-- A batch updates a row it adds to once or twice (its counters, its sketch), and the '*' rows
-- are updated by every batch of the project: pages keep room for a row's next versions, so
-- updates stay HOT (no index entry), as migration 6 does for events.
ALTER TABLE analytics_hourly SET (fillfactor = 50);
ALTER TABLE analytics_daily SET (fillfactor = 50);

-- The '*' rows serve what analytics_hourly_project_hour served (a project's hours over its endpoints).
DROP INDEX analytics_hourly_project_hour;

-- The hourly rows written so far have no '*' rows and no days, and their sketches are the
-- library's protobuf, not services/analytics/domain/latency.ts's varints: the analytics read
-- model is projected again from the log (its checkpoints gone, the runner rewinds to the start).
TRUNCATE analytics_hourly;
DELETE FROM projection_checkpoints WHERE projector = 'analytics';

-- Down Migration
DROP TABLE analytics_daily;
ALTER TABLE analytics_hourly RESET (fillfactor);
CREATE INDEX analytics_hourly_project_hour ON analytics_hourly (project_id, hour);
CREATE TABLE analytics_counted (hour timestamptz NOT NULL, record_id uuid NOT NULL, PRIMARY KEY (hour, record_id));
CREATE TABLE usage_counted (event_id uuid PRIMARY KEY, account_id uuid NOT NULL, month date NOT NULL);
CREATE TABLE usage_attempts_counted (attempt_id uuid PRIMARY KEY, account_id uuid NOT NULL, month date NOT NULL);
