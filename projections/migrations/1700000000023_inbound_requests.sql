-- Up Migration

-- Every request an inbound endpoint's receiver URL got, verified or refused (InboundRequestReceived).
CREATE TABLE inbound_requests (
  id uuid PRIMARY KEY,
  inbound_endpoint_id uuid NOT NULL,
  account_id uuid NOT NULL,
  project_id uuid NOT NULL,
  received_at timestamptz NOT NULL,
  method text NOT NULL,
  url text NOT NULL,
  headers jsonb NOT NULL,
  body bytea NOT NULL,
  verified boolean NOT NULL,
  reason text,
  detail text,
  delivery_id text,
  event_type text,
  event_id uuid,
  duplicate boolean NOT NULL,
  status int NOT NULL
);
CREATE INDEX inbound_requests_list ON inbound_requests (inbound_endpoint_id, received_at DESC, id DESC);

-- Down Migration
DROP TABLE inbound_requests;
