-- Recipe: impressions and clicks, matched within the bound, plus the unmatched rows of BOTH sides
-- (full outer interval join; the twin of `joins --mode full-outer`).
--
-- Question: which impressions were clicked within JOIN_BOUND (${JOIN_BOUND}), which were not, and
-- which clicks have no impression within the bound before them (a lost impression, a click too
-- late or before its impression)?
--
-- Replaces (Spark): the same stream-stream join with joinType "fullOuter"; the unmatched
-- rows of each side are emitted once the watermark rules out a match.
--
-- Flink: a FULL JOIN with the time condition is an outer interval join with the same bounded state
-- as the inner one. An impression without a click is emitted (click fields NULL) when the
-- watermark passes impression_time + bound, a click without an impression (ad_id and
-- impression_time NULL) when it passes click_time; never earlier, never retracted: append-only.
-- A click-only row takes impression_id and user_id from the click, as the DataStream job does, so
-- the Kafka key (impression_id) is never null.

-- @include ddl/ad-events.sql

INSERT INTO joined_clicks
SELECT
  COALESCE(i.impression_id, c.impression_id) AS impression_id,
  COALESCE(i.user_id, c.user_id)             AS user_id,
  i.ad_id,
  DATE_FORMAT(i.ts, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''') AS impression_time,
  c.click_id,
  DATE_FORMAT(c.ts, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''') AS click_time
FROM ad_impressions i
FULL JOIN ad_clicks c
  ON c.impression_id = i.impression_id
 AND c.ts BETWEEN i.ts AND i.ts + ${JOIN_BOUND};
