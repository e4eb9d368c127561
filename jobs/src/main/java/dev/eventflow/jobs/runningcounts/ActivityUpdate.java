package dev.eventflow.jobs.runningcounts;

import java.util.Objects;

/**
 * One row of the {@code running-counts} upsert stream, keyed by user_id: the user's current {@link
 * UserActivity} with status {@code active} (after every event) or {@code expired} (on timeout), or
 * a tombstone (the Kafka record's value is null) that deletes the user from the compacted topic. A
 * Flink POJO.
 */
public class ActivityUpdate {

    public static final String ACTIVE = "active";
    public static final String EXPIRED = "expired";

    public String userId;
    public long count;
    public long firstSeen;
    public long lastSeen;
    public String lastSession;

    /** {@link #ACTIVE} or {@link #EXPIRED}; null for a tombstone. */
    public String status;

    /** True for the delete marker that follows an expired row: written with a null value. */
    public boolean tombstone;

    public ActivityUpdate() {}

    public static ActivityUpdate of(String userId, UserActivity a, String status) {
        ActivityUpdate u = new ActivityUpdate();
        u.userId = userId;
        u.count = a.count;
        u.firstSeen = a.firstSeen;
        u.lastSeen = a.lastSeen;
        u.lastSession = a.lastSession;
        u.status = status;
        return u;
    }

    public static ActivityUpdate tombstone(String userId) {
        ActivityUpdate u = new ActivityUpdate();
        u.userId = userId;
        u.tombstone = true;
        return u;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof ActivityUpdate)) return false;
        ActivityUpdate that = (ActivityUpdate) o;
        return count == that.count
                && firstSeen == that.firstSeen
                && lastSeen == that.lastSeen
                && tombstone == that.tombstone
                && Objects.equals(userId, that.userId)
                && Objects.equals(lastSession, that.lastSession)
                && Objects.equals(status, that.status);
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, count, firstSeen, lastSeen, lastSession, status, tombstone);
    }

    @Override
    public String toString() {
        if (tombstone) return "ActivityUpdate{" + userId + ": tombstone}";
        return "ActivityUpdate{"
                + userId
                + ": count="
                + count
                + ", firstSeen="
                + java.time.Instant.ofEpochMilli(firstSeen)
                + ", lastSeen="
                + java.time.Instant.ofEpochMilli(lastSeen)
                + ", lastSession="
                + lastSession
                + ", status="
                + status
                + '}';
    }
}
