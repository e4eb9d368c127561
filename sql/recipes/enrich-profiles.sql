-- Recipe: every user event with its user's profile (country, segment) from the compacted
-- profiles topic: the SQL twin of `joins --mode enrich`.
--
-- Question: for each event, which country and segment did its user have WHEN THE EVENT HAPPENED?
--
-- Replaces (Spark): a stream-static join,
--   profiles = spark.read.format("kafka").option("subscribe", "user-profiles").load() ...
--   events.join(profiles, "user_id", "left")
-- whose static side never sees an update until restart (cached) or is re-read every micro-batch.
--
-- Flink: an event-time TEMPORAL join against a versioned view. user_profiles
-- (ddl/user-profiles.sql) is the profiles topic deduplicated to the latest record per user by
-- Kafka timestamp, with a watermark: Flink keeps the versions of each user's profile, and
-- `FOR SYSTEM_TIME AS OF e.ts` joins each event to the version valid at the event's time: the
-- latest profile record stamped at or before event_time. None if the user had no profile then
-- (none yet, or a tombstone came before): LEFT JOIN keeps the event, with profile_found false.
-- State: one row per user for the deduplication (the job's ValueState), and in the join the
-- versions still needed by the events' watermark plus the events waiting for it.
--
-- How this differs from the DataStream job, precisely:
--   * which profile: the job uses the profile current when the event is PROCESSED (and, on a
--     fresh start, may process an event before its user's profile is loaded); the recipe uses the
--     version valid at the event's TIME, by the profile records' Kafka timestamps. Replaying the
--     same input gives the same result here, whatever the read order. They coincide when every
--     profile version is stamped before the events that should see it and was loaded before them.
--   * latency: the job emits each event at once; here an event waits until the watermark of BOTH
--     inputs passes its time (the events' watermark delay, WATERMARK_DELAY; an idle profiles topic
--     stops holding the watermark back after IDLE_TIMEOUT). A --bounded run emits everything at
--     the end of input.
--   * malformed input: the job dead-letters bad events and profiles; here bad events are skipped
--     or dropped (valid_user_events) and bad profiles dropped (same rules: a key, a JSON object
--     whose user_id equals it), silently.
--   * format: the same fields, key user_id; event_time is written exactly as the job writes it
--     (ISO-8601 UTC, milliseconds only when non-zero); a missing amount is written as null where
--     the job leaves the field out.
--
-- Run: java -jar sql/target/eventflow-sql-*-all.jar sql/recipes/enrich-profiles.sql \
--        --var BOOTSTRAP_SERVERS=localhost:9092 --var PROFILES_TOPIC=user-profiles \
--        --var OUTPUT_TOPIC=enriched-user-events

-- @include ddl/user-events.sql
-- @include ddl/user-profiles.sql
-- @include ddl/enriched-events.sql

INSERT INTO enriched_events
SELECT
  e.event_id, e.user_id, e.session_id, e.event_type,
  CASE WHEN MOD(e.event_time_ms, 1000) = 0
       THEN DATE_FORMAT(e.ts, 'yyyy-MM-dd''T''HH:mm:ss''Z''')
       ELSE DATE_FORMAT(e.ts, 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''')
  END AS event_time,
  e.amount,
  COALESCE(NOT p.deleted, FALSE) AS profile_found,
  p.country,
  p.segment
FROM valid_user_events AS e
LEFT JOIN user_profiles FOR SYSTEM_TIME AS OF e.ts AS p
  ON e.user_id = p.user_id;
