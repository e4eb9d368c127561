-- DDL: enriched user events, the joins job's enrich output: key user_id, JSON value = the event
-- (event_time as ISO-8601 UTC) plus "profile_found", "country" and "segment". Append-only (an
-- event-time temporal join never retracts), written exactly once.
CREATE TABLE enriched_events (
  event_id      STRING,
  user_id       STRING,
  session_id    STRING,
  event_type    STRING,
  event_time    STRING,
  amount        DOUBLE,
  profile_found BOOLEAN,
  country       STRING,
  segment       STRING
) WITH (
  'connector' = 'kafka',
  'topic' = '${OUTPUT_TOPIC}',
  'properties.bootstrap.servers' = '${BOOTSTRAP_SERVERS}',
  'key.format' = 'raw',
  'key.fields' = 'user_id',
  'value.format' = 'json',
  'value.fields-include' = 'ALL',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = '${TRANSACTIONAL_ID_PREFIX}',
  'properties.transaction.timeout.ms' = '${TRANSACTION_TIMEOUT_MS}'
);
