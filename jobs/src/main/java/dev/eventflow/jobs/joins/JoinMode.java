package dev.eventflow.jobs.joins;

/** The join {@code joins} runs ({@code --mode}). */
public enum JoinMode {
    /** Clicks joined to their impression within the bound (Flink's interval join, inner). */
    INTERVAL,
    /** Every impression, with its clicks within the bound, or once with null click fields. */
    LEFT_OUTER,
    /** As {@link #LEFT_OUTER}, plus every click without an impression within the bound. */
    FULL_OUTER,
    /** User events enriched with the latest profile per user from the compacted topic. */
    ENRICH,
    /**
     * User events enriched with their user's profile looked up in Redis, asynchronously ({@link
     * RedisProfileLookup}).
     */
    ENRICH_ASYNC;

    /** The stream-stream modes, which need a time bound. */
    public boolean isStreamStream() {
        return this == INTERVAL || this == LEFT_OUTER || this == FULL_OUTER;
    }
}
