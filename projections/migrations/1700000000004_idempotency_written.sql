-- Up Migration

-- An idempotency key is reserved before its event is appended and marked written once Kafka has
-- it. A reservation never marked written (its process died mid-append, or the append failed
-- while Postgres was away) must not make retries answer 409 naming an event that does not
-- exist: such a reservation is a "still being written" 503 while young and is reclaimed when
-- stale. Rows from before this column existed were written.
ALTER TABLE idempotency_keys ADD COLUMN written boolean NOT NULL DEFAULT true;

-- Down Migration
ALTER TABLE idempotency_keys DROP COLUMN written;
