package dev.eventflow.jobs.lateaudit;

/**
 * What the classifier tells the audit aggregation about one event: its audit window, user, tier and
 * lateness. Slim on purpose: the event itself only travels to the sample topic. A Flink POJO.
 */
public class AuditEntry {

    /** Start of the audit window the event is counted in (see {@link AuditSpec#windowStart}). */
    public long windowStart;

    public String userId;
    public Tier tier;

    /** {@code mainWatermark - event_time} for late and lost events, 0 for on-time ones. */
    public long latenessMs;

    public AuditEntry() {}

    public AuditEntry(long windowStart, String userId, Tier tier, long latenessMs) {
        this.windowStart = windowStart;
        this.userId = userId;
        this.tier = tier;
        this.latenessMs = latenessMs;
    }

    @Override
    public String toString() {
        return "AuditEntry{"
                + java.time.Instant.ofEpochMilli(windowStart)
                + " "
                + userId
                + " "
                + tier
                + " "
                + latenessMs
                + "ms}";
    }
}
