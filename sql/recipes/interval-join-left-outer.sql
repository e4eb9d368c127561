-- Recipe: every impression, with its click if one came within the bound (left outer interval join).
--
-- Question: which impressions were NOT clicked within JOIN_BOUND (${JOIN_BOUND})?
--
-- Replaces (Spark): the same join with joinType "leftOuter"; unmatched impressions are
-- emitted only once the watermark passes impression_time + bound.
--
-- Flink: a LEFT JOIN with the time condition is an outer interval join: the same bounded state,
-- and an impression without a click is emitted (click fields NULL) when the clicks' watermark
-- passes impression_time + bound, never earlier, and never retracted: the output is append-only.

-- @include ddl/ad-events.sql

INSERT INTO joined_clicks
SELECT
  i.impression_id, i.user_id, i.ad_id,
  DATE_FORMAT(i.ts, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''') AS impression_time,
  c.click_id,
  DATE_FORMAT(c.ts, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''') AS click_time
FROM ad_impressions i
LEFT JOIN ad_clicks c
  ON c.impression_id = i.impression_id
 AND c.ts BETWEEN i.ts AND i.ts + ${JOIN_BOUND};
