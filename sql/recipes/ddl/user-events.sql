-- DDL: the user-events input topic, read exactly as the DataStream jobs read it.
--
-- * event_time arrives as ISO-8601 with a zone or as epoch milliseconds (JSON number or string):
--   read as text, turned into epoch ms by EVENT_TIME_MILLIS (the DataStream parser's own rules;
--   -1 when missing, unparseable, negative or too far in the future).
-- * The watermark is declared on the source, per Kafka partition: Spark's
--   withWatermark("event_time", "10 minutes"), placed before any aggregation by construction.
-- * Malformed records (not JSON, wrong types) are skipped by the JSON format; records with missing
--   fields or a bad time are filtered out by the valid_user_events view. The DataStream jobs send
--   both to a dead-letter topic instead: SQL has no side outputs.
CREATE TABLE user_events (
  event_id      STRING,
  user_id       STRING,
  session_id    STRING,
  event_type    STRING,
  event_time    STRING,
  amount        DOUBLE,
  event_time_ms AS EVENT_TIME_MILLIS(event_time),
  -- A rowtime cannot be NULL: invalid times map to epoch 0, which never advances the watermark.
  ts AS TO_TIMESTAMP_LTZ(GREATEST(EVENT_TIME_MILLIS(event_time), 0), 3),
  WATERMARK FOR ts AS ts - ${WATERMARK_DELAY}
) WITH (
  'connector' = 'kafka',
  'topic' = '${INPUT_TOPIC}',
  'properties.bootstrap.servers' = '${BOOTSTRAP_SERVERS}',
  'properties.group.id' = '${GROUP_ID}',
  'properties.isolation.level' = 'read_committed',
  'properties.auto.offset.reset' = 'earliest',
  'scan.startup.mode' = '${STARTUP_MODE}',
  'scan.bounded.mode' = '${SCAN_BOUNDED_MODE}',
  'format' = 'json',
  'json.ignore-parse-errors' = 'true',
  'json.fail-on-missing-field' = 'false'
);

-- Partitions silent for this long stop holding the watermark back (the jobs' --idleness).
SET 'table.exec.source.idle-timeout' = '${IDLE_TIMEOUT_MS} ms';

CREATE TEMPORARY VIEW valid_user_events AS
SELECT *
FROM user_events
WHERE event_time_ms >= 0
  AND event_id IS NOT NULL AND event_id <> ''
  AND user_id IS NOT NULL AND user_id <> ''
  AND session_id IS NOT NULL AND session_id <> ''
  AND event_type IS NOT NULL AND event_type <> '';
