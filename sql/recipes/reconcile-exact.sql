-- Recipe: the accurate path of "Fast + Accurate": window-aggregation's windows recomputed in BATCH
-- mode over a time range of the topic, with the EXACT number of distinct sessions next to the HLL
-- estimate (the aggregation half of the `reconcile` job; the diff against the fast path's topic
-- stays the job's).
--
-- Question: per user and 5-minute window sliding by 1 minute, inside [FROM, TO) (${FROM} ..
-- ${TO}), what are the exact counts, sums and distinct sessions, whatever arrived late?
--
-- Replaces (Spark): spark.read.format("kafka")
--     .option("startingOffsetsByTimestamp", ...).option("endingOffsetsByTimestamp", ...).load()
--     .groupBy(window(col("event_time"), "5 minutes", "1 minute"), col("user_id"))
--     .agg(count("*"), countDistinct("session_id"), approx_count_distinct("session_id"), ...)
--
-- Flink: the same HOP aggregation as window-aggregation-hop.sql, run with
-- execution.runtime-mode = batch. A batch run has no watermark and no late data: every window sees
-- every event read, whatever its arrival order, and COUNT(DISTINCT session_id) is exact.
--
-- The range, chosen to be the reconcile job's own rule:
--   * which records are read: by Kafka record timestamp, per partition, from the first record
--     stamped at or after FROM up to, not including, the first stamped at or after TO
--     (scan.startup.mode / scan.bounded.mode = 'timestamp', set below on the shared user_events
--     table). The run is therefore bounded by TO, with or without the runner's --bounded.
--   * which windows are written: only those lying entirely inside [FROM, TO) in event time
--     (HAVING below); a window cut by an edge would be computed from events the run did not read.
-- FROM and TO take ISO-8601 with a zone or epoch ms (defaults: the epoch .. year 9999, i.e. the
-- whole topic as it is at start). End TO at least the fast path's watermark delay after the last
-- window of interest, so that late arrivals are read too.
--
-- Run: java -jar sql/target/eventflow-sql-*-all.jar sql/recipes/reconcile-exact.sql \
--        --var BOOTSTRAP_SERVERS=localhost:9092 --var OUTPUT_TOPIC=user-events-exact \
--        --var FROM=2026-01-01T00:00:00Z --var TO=2026-01-02T00:00:00Z

SET 'execution.runtime-mode' = 'batch';

-- @include ddl/user-events.sql
-- @include ddl/exact-window-results.sql

ALTER TABLE user_events SET (
  'scan.startup.mode' = 'timestamp',
  'scan.startup.timestamp-millis' = '${FROM_MS}',
  'scan.bounded.mode' = 'timestamp',
  'scan.bounded.timestamp-millis' = '${TO_MS}'
);

INSERT INTO exact_window_results
SELECT
  user_id,
  DATE_FORMAT(window_start, 'yyyy-MM-dd''T''HH:mm:ss''Z''') AS window_start,
  DATE_FORMAT(window_end, 'yyyy-MM-dd''T''HH:mm:ss''Z''')   AS window_end,
  COUNT(*)                                          AS events,
  HLL_COUNT_DISTINCT(session_id)                    AS approx_sessions,
  SUM(amount)                                       AS sum_amount,
  AVG(amount)                                       AS avg_amount,
  MIN(amount)                                       AS min_amount,
  MAX(amount)                                       AS max_amount,
  COUNT(*) FILTER (WHERE event_type = 'purchase')   AS purchases,
  COUNT(DISTINCT session_id)                        AS exact_sessions
FROM TABLE(HOP(TABLE valid_user_events, DESCRIPTOR(ts), ${WINDOW_SLIDE}, ${WINDOW_SIZE}))
GROUP BY user_id, window_start, window_end
HAVING CAST(window_start AS TIMESTAMP_LTZ(3)) >= TO_TIMESTAMP_LTZ(${FROM_MS}, 3)
   AND CAST(window_end AS TIMESTAMP_LTZ(3)) <= TO_TIMESTAMP_LTZ(${TO_MS}, 3);
