package dev.eventflow.jobs.runningcounts;

/** Spark's {@code GroupStateTimeout} choices, as {@code --timeout-mode}. */
public enum TimeoutMode {
    /** {@code NoTimeout}: state lives until {@code --state-ttl} (if set) silently expires it. */
    NONE,
    /** {@code ProcessingTimeTimeout}: wall-clock time since the user's last event. */
    PROCESSING_TIME,
    /** {@code EventTimeTimeout}: the watermark passing the user's last event time + timeout. */
    EVENT_TIME
}
