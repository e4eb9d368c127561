-- Recipe: a running count per user, as an upsert table (the SQL twin of running-counts).
--
-- Question: for every user, how many events so far, first and last seen, and the latest session.
--
-- Replaces (Spark): groupBy("user").applyInPandasWithState(update_count, ..., outputMode="update",
-- timeoutConf="NoTimeout"), and the plain groupBy("user_id").count() in update mode: the unbounded-state trap's
-- "Case A", whose state grows with every new key.
--
-- Flink: a non-windowed GROUP BY emits an update per change, written to an upsert-kafka topic keyed
-- by user_id (compact it), so the topic always holds the latest value per user. table.exec.state.ttl
-- (${STATE_TTL}) bounds the state: a user idle that long is forgotten and starts again from 1. Unlike
-- the DataStream job, SQL's TTL expiry is silent: no "expired" row, no tombstone.

-- @include ddl/user-events.sql

SET 'table.exec.state.ttl' = '${STATE_TTL_MS} ms';

CREATE TABLE running_counts (
  user_id      STRING,
  `count`      BIGINT,
  first_seen   STRING,
  last_seen    STRING,
  last_session STRING,
  status       STRING,
  PRIMARY KEY (user_id) NOT ENFORCED
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

INSERT INTO running_counts
SELECT
  user_id,
  COUNT(*) AS `count`,
  DATE_FORMAT(MIN(ts), 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''') AS first_seen,
  DATE_FORMAT(MAX(ts), 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''') AS last_seen,
  LAST_VALUE(session_id) AS last_session,
  'active' AS status
FROM valid_user_events
GROUP BY user_id;
