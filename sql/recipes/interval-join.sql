-- Recipe: clicks joined to their impression within a time bound (inner interval join).
--
-- Question: which impressions were clicked, and when, counting a click only if it came within
-- JOIN_BOUND (${JOIN_BOUND}) after its impression?
--
-- Replaces (Spark): a stream-stream join with watermarks on both sides and
-- expr("click_time >= impression_time AND click_time <= impression_time + interval 10 minutes").
--
-- Flink: an interval join. State is bounded by the time condition: an impression is dropped once
-- the clicks' watermark passes impression_time + bound, a click once the impressions' watermark
-- passes click_time (the join cleanup rule). A join without the time condition would keep both
-- sides forever: don't.

-- @include ddl/ad-events.sql

INSERT INTO joined_clicks
SELECT
  i.impression_id, i.user_id, i.ad_id,
  DATE_FORMAT(i.ts, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''') AS impression_time,
  c.click_id,
  DATE_FORMAT(c.ts, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''') AS click_time
FROM ad_impressions i
JOIN ad_clicks c
  ON c.impression_id = i.impression_id
 AND c.ts BETWEEN i.ts AND i.ts + ${JOIN_BOUND};
