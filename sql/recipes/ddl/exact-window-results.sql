-- DDL: the accurate path's window rows: window-aggregation's record (key user_id, JSON value
-- {"user_id","window_start","window_end","events","approx_sessions","sum_amount","avg_amount",
--  "min_amount","max_amount","purchases"}) plus "exact_sessions", the exact distinct count of
-- session_id. Written exactly once; a BATCH run commits its Kafka transaction at the end of input.
CREATE TABLE exact_window_results (
  user_id         STRING,
  window_start    STRING,
  window_end      STRING,
  events          BIGINT,
  approx_sessions BIGINT,
  sum_amount      DOUBLE,
  avg_amount      DOUBLE,
  min_amount      DOUBLE,
  max_amount      DOUBLE,
  purchases       BIGINT,
  exact_sessions  BIGINT
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
