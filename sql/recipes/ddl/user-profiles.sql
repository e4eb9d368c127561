-- DDL: the compacted profiles topic (the joins job's --profiles-topic) as a VERSIONED view:
--   key "u-7" (raw), value {"user_id": "u-7", "country": "FR", "segment": "premium"}; a null value
--   (tombstone) deletes the user's profile.
-- * user_profiles_log reads every record of the topic, tombstones included (value read as raw text:
--   NULL for a tombstone), stamped with its Kafka record timestamp, version_ts: the profile record
--   carries no time of its own, so a version is valid from the moment it was written (or from the
--   timestamp its producer set). The watermark trusts it (no delay): write each partition's
--   profiles in timestamp order (one producer per partition with CreateTime, or LogAppendTime).
-- * Records the DataStream job would dead-letter are dropped: no key, or a value that is not a JSON
--   object whose user_id equals the key (compaction and tombstones act on the key).
-- * user_profiles keeps the latest record per user by version_ts (ROW_NUMBER ... = 1): Flink
--   recognises this deduplication as a versioned view (primary key user_id, time version_ts), the
--   right side of an event-time temporal join. A tombstone is a version with deleted = TRUE.
-- * Why not an upsert-kafka table with a primary key: Flink normalises its changelog (one state
--   entry per key) and emits a tombstone as a DELETE of the last stored row, WITH THAT ROW'S
--   timestamp: the profile then vanishes from the time it was written, not from the tombstone's,
--   and events before the tombstone lose it too (seen in EnrichRecipeITCase). Here the tombstone
--   keeps its own time.
-- * The topic is always read from the earliest offset (the whole table is needed, as in the job),
--   up to the latest offsets with the runner's --bounded.
CREATE TABLE user_profiles_log (
  user_id    STRING,
  payload    STRING,
  version_ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
  WATERMARK FOR version_ts AS version_ts
) WITH (
  'connector' = 'kafka',
  'topic' = '${PROFILES_TOPIC}',
  'properties.bootstrap.servers' = '${BOOTSTRAP_SERVERS}',
  'properties.group.id' = '${GROUP_ID}',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = '${SCAN_BOUNDED_MODE}',
  'key.format' = 'raw',
  'key.fields' = 'user_id',
  'value.format' = 'raw',
  'value.fields-include' = 'EXCEPT_KEY'
);

CREATE TEMPORARY VIEW user_profiles AS
SELECT user_id, deleted, country, segment, version_ts
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY version_ts DESC) AS rn
  FROM (
    SELECT
      user_id,
      payload IS NULL                    AS deleted,
      JSON_VALUE(payload, '$.country')   AS country,
      JSON_VALUE(payload, '$.segment')   AS segment,
      version_ts
    FROM user_profiles_log
    WHERE user_id IS NOT NULL AND user_id <> ''
      AND (payload IS NULL OR JSON_VALUE(payload, '$.user_id') = user_id)
  )
)
WHERE rn = 1;
