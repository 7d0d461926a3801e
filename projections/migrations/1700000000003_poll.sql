-- Up Migration

-- Read model: one row per dispatch to a poll-mode endpoint, as the log says (the queued message,
-- and acked_at once its ack's DeliveryAttempted is seen). Rebuildable like every projection.
CREATE TABLE poll_messages (
  id uuid PRIMARY KEY, -- the dispatch id: the message id pollers see and ack
  event_id uuid NOT NULL,
  account_id uuid NOT NULL,
  project_id uuid NOT NULL,
  endpoint_id uuid NOT NULL,
  event_type text,
  url text NOT NULL,
  payload json NOT NULL, -- json, not jsonb: the consumer gets the exact text that was sent
  headers jsonb NOT NULL,
  max_attempts int NOT NULL,
  event_created_at timestamptz NOT NULL,
  queued_at timestamptz NOT NULL,
  acked_at timestamptz
);
CREATE INDEX poll_messages_pending ON poll_messages (endpoint_id, queued_at, id) WHERE acked_at IS NULL;
CREATE INDEX poll_messages_event ON poll_messages (event_id, endpoint_id);

-- Command side: who holds a message (GET /poll) and which acks are under way (POST /poll/ack).
-- Like SQS visibility, leases are not facts worth a log record; the unique dispatch id makes
-- concurrent pollers and acks of one message take turns. A message without a row here was never
-- handed out.
CREATE TABLE poll_leases (
  dispatch_id uuid PRIMARY KEY,
  visible_at timestamptz NOT NULL, -- offered again from then on, unless acked
  receive_count int NOT NULL,
  leased_at timestamptz,
  -- Set before the ack's DeliveryAttempted is appended: hides the message at once, and a second
  -- ack of it appends nothing.
  ack_requested_at timestamptz
);

-- Down Migration
DROP TABLE poll_leases, poll_messages;
