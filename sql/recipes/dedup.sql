-- Recipe: drop duplicate events by event_id (the SQL twin of the dedup job).
--
-- Question: every event exactly once, even when producers retry and send it twice.
--
-- Replaces (Spark): df.withWatermark("event_time", "10 minutes").dropDuplicatesWithinWatermark(["event_id"])
--
-- Flink: ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY ts) = 1 is Flink's deduplication
-- pattern; ordered by event time, it keeps the earliest copy. A copy with an earlier event time
-- arriving later replaces the kept one, so the output is an upsert stream keyed by event_id
-- (upsert-kafka). State per event_id is bounded by table.exec.state.ttl (${STATE_TTL}): a duplicate
-- arriving after that is passed again, as one arriving behind Spark's watermark would be.

-- @include ddl/user-events.sql

SET 'table.exec.state.ttl' = '${STATE_TTL_MS} ms';

CREATE TABLE deduplicated_events (
  event_id   STRING,
  user_id    STRING,
  session_id STRING,
  event_type STRING,
  event_time STRING,
  amount     DOUBLE,
  PRIMARY KEY (event_id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = '${OUTPUT_TOPIC}',
  'properties.bootstrap.servers' = '${BOOTSTRAP_SERVERS}',
  'key.format' = 'raw',
  'value.format' = 'json',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = '${TRANSACTIONAL_ID_PREFIX}',
  'properties.transaction.timeout.ms' = '${TRANSACTION_TIMEOUT_MS}'
);

INSERT INTO deduplicated_events
SELECT event_id, user_id, session_id, event_type,
       DATE_FORMAT(ts, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''') AS event_time, amount
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY ts ASC) AS row_num
  FROM valid_user_events
)
WHERE row_num = 1;
