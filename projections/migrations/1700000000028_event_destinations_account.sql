-- Up Migration

-- A dispatch's row names its workspace, so a workspace's erasure deletes its rows by account
-- (projections/gdpr/purge.ts) even when the event they belong to has no row: a rebuild after an
-- erasure skips its EventAccepted records (sealed under a shredded key) but still reads its
-- EventRouted ones (nothing sealed in them) and wrote dispatch rows no event row led the purge to.
ALTER TABLE event_destinations ADD COLUMN account_id uuid;
UPDATE event_destinations x SET account_id = e.account_id FROM events e WHERE e.id = x.event_id;
CREATE INDEX event_destinations_account ON event_destinations (account_id);

-- Down Migration
DROP INDEX event_destinations_account;
ALTER TABLE event_destinations DROP COLUMN account_id;
