package dev.eventflow.jobs.runningcounts;

import java.util.Objects;

/**
 * The per-user state of {@code running-counts} (Spark's {@code stateStructType}). A Flink POJO
 * (public class, public no-argument constructor, public fields of serializable types), so Flink
 * serializes it with its own {@code PojoSerializer}, never Kryo, and its schema can evolve: a field
 * added in a later version restores from an old savepoint with the new field at its Java default
 * ({@code UserActivityEvolutionTest} proves it). Renaming or retyping a field is not compatible.
 *
 * <p>This file must keep depending on nothing but {@code java.*}: the evolution test compiles a
 * copy of it with one more field.
 */
public class UserActivity {

    /** {@link #timerAt} when no timer is registered. */
    public static final long NO_TIMER = Long.MIN_VALUE;

    /** Events seen for the user. */
    public long count;

    /** The smallest event time seen, epoch milliseconds UTC. */
    public long firstSeen;

    /** The greatest event time seen, epoch milliseconds UTC. */
    public long lastSeen;

    /** The session of the event with the greatest event time (the later one on a tie). */
    public String lastSession;

    /**
     * The timestamp of the one timer registered for this user ({@link #NO_TIMER} if none), so that
     * the next event can delete it before registering the next: timers stay one per key.
     */
    public long timerAt = NO_TIMER;

    public UserActivity() {}

    /** The state after the user's first event. */
    public static UserActivity first(long eventTime, String session) {
        UserActivity a = new UserActivity();
        a.count = 1;
        a.firstSeen = eventTime;
        a.lastSeen = eventTime;
        a.lastSession = session;
        return a;
    }

    /** Adds one event; an out-of-order event counts but moves neither last_seen nor session. */
    public void add(long eventTime, String session) {
        count++;
        if (eventTime < firstSeen) firstSeen = eventTime;
        if (eventTime >= lastSeen) {
            lastSeen = eventTime;
            lastSession = session;
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof UserActivity)) return false;
        UserActivity that = (UserActivity) o;
        return count == that.count
                && firstSeen == that.firstSeen
                && lastSeen == that.lastSeen
                && timerAt == that.timerAt
                && Objects.equals(lastSession, that.lastSession);
    }

    @Override
    public int hashCode() {
        return Objects.hash(count, firstSeen, lastSeen, lastSession, timerAt);
    }

    @Override
    public String toString() {
        return "UserActivity{count="
                + count
                + ", firstSeen="
                + firstSeen
                + ", lastSeen="
                + lastSeen
                + ", lastSession='"
                + lastSession
                + "', timerAt="
                + timerAt
                + '}';
    }
}
