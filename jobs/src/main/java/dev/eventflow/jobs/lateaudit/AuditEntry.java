package dev.eventflow.jobs.lateaudit;

/**
 * What the classifier tells the audit aggregation about one event: its audit window, user, tier and
 * lateness. Slim on purpose: the event itself only travels to the sample topic.
 *
 * @param windowStart start of the audit window the event is counted in (see {@link
 *     AuditSpec#windowStart})
 * @param latenessMs {@code mainWatermark - event_time} for late and lost events, 0 for on-time ones
 */
public record AuditEntry(long windowStart, String userId, Tier tier, long latenessMs) {

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
