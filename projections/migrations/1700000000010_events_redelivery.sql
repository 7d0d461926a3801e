-- Up Migration

-- When the last edit and the last replay of each event were projected: an edit or a replay
-- delivered again (at least once) after a newer one, or after the replay's new routing, is then
-- recognised and changes nothing, instead of reverting the payload or unrouting the event.
ALTER TABLE events ADD COLUMN edited_at timestamptz, ADD COLUMN replayed_at timestamptz;

-- Down Migration
ALTER TABLE events DROP COLUMN edited_at, DROP COLUMN replayed_at;
