-- Recipe: late events, captured instead of silently dropped, with their tier.
--
-- Question: which events arrived after the main watermark had closed every window they belong to,
-- by how much, and would a longer (audit) watermark still have caught them?
--
-- Replaces (Spark): a second, longer-watermark "audit" stream classifying rows
-- where event_time < watermark, in foreachBatch.
--
-- Flink: CURRENT_WATERMARK(ts) is the watermark a row meets; a row is late when the newest window
-- containing it ([floor(t/slide)*slide, +size)) has already closed, exactly window-aggregation's
-- rule for its late topic. The audit tier is the same watermark held back by
-- AUDIT_DELAY - WATERMARK_DELAY: "recoverable" rows are within it, "lost" rows behind it too.
-- The hint emits watermarks on every event, so the verdict does not depend on timing.

-- @include ddl/user-events.sql

CREATE TABLE late_events (
  event_id    STRING,
  user_id     STRING,
  session_id  STRING,
  event_type  STRING,
  event_time  STRING,
  amount      DOUBLE,
  `watermark` STRING,
  lateness_ms BIGINT,
  tier        STRING
) WITH (
  'connector' = 'kafka',
  'topic' = '${LATE_TOPIC}',
  'properties.bootstrap.servers' = '${BOOTSTRAP_SERVERS}',
  'key.format' = 'raw',
  'key.fields' = 'user_id',
  'value.format' = 'json',
  'value.fields-include' = 'ALL',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = '${TRANSACTIONAL_ID_PREFIX}',
  'properties.transaction.timeout.ms' = '${TRANSACTION_TIMEOUT_MS}'
);

INSERT INTO late_events
SELECT
  event_id, user_id, session_id, event_type,
  DATE_FORMAT(ts, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''') AS event_time,
  amount,
  DATE_FORMAT(CURRENT_WATERMARK(ts), 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''') AS `watermark`,
  EVENT_TIME_MILLIS(DATE_FORMAT(CURRENT_WATERMARK(ts), 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''')) - event_time_ms AS lateness_ms,
  CASE
    WHEN ts > CURRENT_WATERMARK(ts) - (${AUDIT_DELAY} - ${WATERMARK_DELAY}) THEN 'recoverable'
    ELSE 'lost'
  END AS tier
FROM user_events /*+ OPTIONS('scan.watermark.emit.strategy' = 'on-event') */
WHERE event_time_ms >= 0
  AND event_id IS NOT NULL AND event_id <> ''
  AND user_id IS NOT NULL AND user_id <> ''
  AND session_id IS NOT NULL AND session_id <> ''
  AND event_type IS NOT NULL AND event_type <> ''
  AND CURRENT_WATERMARK(ts) IS NOT NULL
  AND TO_TIMESTAMP_LTZ(FLOOR(event_time_ms / ${WINDOW_SLIDE_MS}) * ${WINDOW_SLIDE_MS} + ${WINDOW_SIZE_MS} - 1, 3)
      <= CURRENT_WATERMARK(ts);
