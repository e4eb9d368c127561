-- Recipe: sliding-window activity per user (the SQL twin of the window-aggregation job).
--
-- Question: per user and 5-minute window sliding by 1 minute, how many events, how many distinct
-- sessions (approximately), how much was spent, and how many purchases?
--
-- Replaces (Spark Structured Streaming):
--   df.withWatermark("event_time", "10 minutes")
--     .groupBy(window(col("event_time"), "5 minutes", "1 minute"), col("user_id"))
--     .agg(count("*"), approx_count_distinct("session_id"), sum("amount"), ...)
--     .writeStream.format("kafka").option("kafka.transactional.id", ...).outputMode("append")
--
-- Flink: the HOP window table-valued function; each window is emitted once, when the watermark
-- passes its end (append). HLL_COUNT_DISTINCT is the suite's DataSketches UDAF, so approx_sessions
-- equals the DataStream job's for the same input. Window bounds are ISO-8601 UTC strings, as there.
--
-- Run: java -jar sql/target/eventflow-sql-*-all.jar sql/recipes/window-aggregation-hop.sql \
--        --var BOOTSTRAP_SERVERS=localhost:9092 [--var WINDOW_SIZE=5m --var WINDOW_SLIDE=1m] [--bounded]

-- @include ddl/user-events.sql
-- @include ddl/window-results.sql

INSERT INTO window_results
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
  COUNT(*) FILTER (WHERE event_type = 'purchase')   AS purchases
FROM TABLE(HOP(TABLE valid_user_events, DESCRIPTOR(ts), ${WINDOW_SLIDE}, ${WINDOW_SIZE}))
GROUP BY user_id, window_start, window_end;
