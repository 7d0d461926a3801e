-- Up Migration

-- The rows of a project's time range over its endpoints, whichever endpoint: what endpoint
-- health reads (every endpoint's days and end hours). The primary key leads with the endpoint,
-- so a range of every endpoint but the project's own '*' rows was a scan of the whole table
-- (analytics_hourly keeps every hour ever: 72 ms of a 30-day answer at 220,000 rows, 7 ms by
-- this index).
CREATE INDEX analytics_hourly_project_hour ON analytics_hourly (project_id, hour);
CREATE INDEX analytics_daily_project_day ON analytics_daily (project_id, day);

-- Down Migration
DROP INDEX analytics_hourly_project_hour;
DROP INDEX analytics_daily_project_day;
