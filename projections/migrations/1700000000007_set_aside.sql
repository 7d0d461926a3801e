-- Up Migration

-- Records a projector or a stream processor could not apply, set aside so that their partition
-- moves on (ARCHITECTURE 12). A read model like the others: the stream processors' rows come
-- from the set-aside topic (RecordSetAside), a projector's rows are written with the checkpoint
-- that passes the record, and a rebuild writes both again.
CREATE TABLE set_aside_records (
  consumer text NOT NULL, -- the consumer group (processor) or projector that set it aside
  topic text NOT NULL,
  partition int NOT NULL,
  "offset" bigint NOT NULL,
  record_key text NOT NULL,
  record_type text,
  value bytea,  -- the record's bytes, when it could not be decoded
  decoded text, -- the decoded record as JSON, when it was decoded and could not be applied
  error text NOT NULL,
  -- when it was set aside; for a projector's rows the record's append time, so that a rebuild
  -- writes the same row
  set_aside_at timestamptz NOT NULL,
  PRIMARY KEY (consumer, topic, partition, "offset")
);
CREATE INDEX set_aside_records_at ON set_aside_records (set_aside_at DESC);

-- Which Kafka cluster each projector's checkpoints belong to: a new Kafka (an empty data
-- directory) has a new cluster id, and checkpoints of the old one must not make the projector
-- skip the new log's records.
CREATE TABLE projection_logs (
  projector text PRIMARY KEY,
  cluster_id text NOT NULL
);

-- Each time a projector found its log reset and rebuilt its read model: shown by /health.
CREATE TABLE projection_resets (
  id bigserial PRIMARY KEY,
  projector text NOT NULL,
  reason text NOT NULL,
  reset_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE projection_resets;
DROP TABLE projection_logs;
DROP TABLE set_aside_records;
