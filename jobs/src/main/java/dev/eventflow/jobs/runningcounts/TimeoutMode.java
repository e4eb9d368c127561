package dev.eventflow.jobs.runningcounts;

/** Spark's {@code GroupStateTimeout} choices, as {@code --timeout-mode}. */
public enum TimeoutMode {
    /** {@code NoTimeout}: state lives until {@code --state-ttl} (if set) silently expires it. */
    NONE,
    /**
     * {@code ProcessingTimeTimeout}: wall-clock time since the user's last event; not reproducible
     * by a replay, by nature.
     */
    PROCESSING_TIME,
    /**
     * {@code EventTimeTimeout}, made deterministic: session-window semantics (a gap of more than
     * the timeout between consecutive events in event-time order ends a session), events applied in
     * event-time order once the watermark passes them.
     */
    EVENT_TIME
}
