package dev.eventflow.jobs.windowagg;

/**
 * {@code --output-mode} of {@code window-aggregation}: when a window's row is written (Spark's
 * {@code outputMode}).
 */
public enum OutputMode {
    /**
     * Once, when the watermark passes the window's end; every later event for it goes to the late
     * topic. Keyed by user_id. The default.
     */
    APPEND,
    /**
     * When the watermark passes the window's end, and again with corrected values for every event
     * that arrives within {@code --allowed-lateness} of the end, then a last time, flagged final,
     * when the watermark passes {@code end + allowed lateness}: an upsert stream keyed by (user_id,
     * window_start, window_end) for a compacted topic.
     */
    UPDATE
}
