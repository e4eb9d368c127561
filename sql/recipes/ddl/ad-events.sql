-- DDL: ad impressions and clicks (the joins job's inputs), each with its own per-partition
-- watermark, declared at the source.
--   impressions: {"impression_id","user_id","ad_id","event_time"}
--   clicks:      {"click_id","impression_id","user_id","event_time"}
CREATE TABLE ad_impressions (
  impression_id STRING,
  user_id       STRING,
  ad_id         STRING,
  event_time    STRING,
  ts AS TO_TIMESTAMP_LTZ(GREATEST(EVENT_TIME_MILLIS(event_time), 0), 3),
  WATERMARK FOR ts AS ts - ${WATERMARK_DELAY}
) WITH (
  'connector' = 'kafka',
  'topic' = '${IMPRESSIONS_TOPIC}',
  'properties.bootstrap.servers' = '${BOOTSTRAP_SERVERS}',
  'properties.group.id' = '${GROUP_ID}',
  'properties.isolation.level' = 'read_committed',
  'properties.auto.offset.reset' = 'earliest',
  'scan.startup.mode' = '${STARTUP_MODE}',
  'scan.bounded.mode' = '${SCAN_BOUNDED_MODE}',
  'format' = 'json',
  'json.ignore-parse-errors' = 'true'
);

CREATE TABLE ad_clicks (
  click_id      STRING,
  impression_id STRING,
  user_id       STRING,
  event_time    STRING,
  ts AS TO_TIMESTAMP_LTZ(GREATEST(EVENT_TIME_MILLIS(event_time), 0), 3),
  WATERMARK FOR ts AS ts - ${WATERMARK_DELAY}
) WITH (
  'connector' = 'kafka',
  'topic' = '${CLICKS_TOPIC}',
  'properties.bootstrap.servers' = '${BOOTSTRAP_SERVERS}',
  'properties.group.id' = '${GROUP_ID}',
  'properties.isolation.level' = 'read_committed',
  'properties.auto.offset.reset' = 'earliest',
  'scan.startup.mode' = '${STARTUP_MODE}',
  'scan.bounded.mode' = '${SCAN_BOUNDED_MODE}',
  'format' = 'json',
  'json.ignore-parse-errors' = 'true'
);

CREATE TABLE joined_clicks (
  impression_id   STRING,
  user_id         STRING,
  ad_id           STRING,
  impression_time STRING,
  click_id        STRING,
  click_time      STRING
) WITH (
  'connector' = 'kafka',
  'topic' = '${OUTPUT_TOPIC}',
  'properties.bootstrap.servers' = '${BOOTSTRAP_SERVERS}',
  'key.format' = 'raw',
  'key.fields' = 'impression_id',
  'value.format' = 'json',
  'value.fields-include' = 'ALL',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = '${TRANSACTIONAL_ID_PREFIX}',
  'properties.transaction.timeout.ms' = '${TRANSACTION_TIMEOUT_MS}'
);
