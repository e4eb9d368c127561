-- Recipe: tumbling-window activity per user (window-aggregation with --window-slide = --window-size).
--
-- Question: per user and fixed, non-overlapping window, the same measures as the sliding recipe;
-- every event counts in exactly one window.
--
-- Replaces (Spark): groupBy(window(col("event_time"), "5 minutes"), col("user_id")).agg(...)
--
-- Flink: the TUMBLE window table-valued function (WINDOW_SIZE; WINDOW_SLIDE is not used).

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
FROM TABLE(TUMBLE(TABLE valid_user_events, DESCRIPTOR(ts), ${WINDOW_SIZE}))
GROUP BY user_id, window_start, window_end;
