-- Up Migration

-- Room on each page for the updates a row gets soon after its insert, so that they are HOT
-- updates (the new version on the same page, no new index entries): an event's routing sets
-- routed_at and dest_total, an idempotency key is marked written once its event is in Kafka,
-- a destination's attempts update its state, attempts and delivered_at (none of these columns
-- is indexed). At the default fillfactor of 100 a fresh page is full, and each such update
-- went to another page with a new entry in every index of the table.
ALTER TABLE events SET (fillfactor = 70);
ALTER TABLE idempotency_keys SET (fillfactor = 70);
ALTER TABLE event_destinations SET (fillfactor = 70);

-- Down Migration
ALTER TABLE events RESET (fillfactor);
ALTER TABLE idempotency_keys RESET (fillfactor);
ALTER TABLE event_destinations RESET (fillfactor);
