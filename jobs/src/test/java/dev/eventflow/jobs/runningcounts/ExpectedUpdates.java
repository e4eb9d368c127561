package dev.eventflow.jobs.runningcounts;

import dev.eventflow.common.event.UserEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ground truth for {@code running-counts --timeout-mode event-time}, computed independently of the
 * job's classes: feed it each user's events in the order the job sees them (the order of the user's
 * Kafka partition) and the watermark levels the job is known to reach; it gives every user's exact
 * sequence of output rows, in the job's own text form ({@link #describe}). Session semantics: an
 * event counts once the watermark has passed it, in event-time order (arrival order among equal
 * times); a gap longer than the timeout between consecutive events ends a session, and so does the
 * watermark reaching {@code last_seen + timeout}.
 */
final class ExpectedUpdates {

    private static final class User {
        long count;
        long first;
        long last;
        String session;
    }

    private final long timeoutMs;
    private final Map<String, User> live = new LinkedHashMap<>();
    private final Map<String, List<UserEvent>> pending = new LinkedHashMap<>();
    private final Map<String, List<String>> sequences = new LinkedHashMap<>();

    ExpectedUpdates(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    static String describe(String status, long count, long first, long last, String session) {
        return status
                + " count="
                + count
                + " first="
                + first
                + " last="
                + last
                + " session="
                + session;
    }

    static final String TOMBSTONE = "tombstone";

    void event(UserEvent e) {
        pending.computeIfAbsent(e.userId, k -> new ArrayList<>()).add(e);
    }

    private void apply(UserEvent e) {
        User u = live.get(e.userId);
        if (u != null && e.eventTime - u.last > timeoutMs) {
            expire(e.userId, u);
            live.remove(e.userId);
            u = null;
        }
        if (u == null) {
            u = new User();
            u.first = e.eventTime;
            u.last = e.eventTime;
            u.session = e.sessionId;
            live.put(e.userId, u);
        } else {
            u.first = Math.min(u.first, e.eventTime);
            if (e.eventTime >= u.last) {
                u.last = e.eventTime;
                u.session = e.sessionId;
            }
        }
        u.count++;
        emit(e.userId, describe("active", u.count, u.first, u.last, u.session));
    }

    private void expire(String user, User u) {
        emit(user, describe("expired", u.count, u.first, u.last, u.session));
        emit(user, TOMBSTONE);
    }

    /**
     * The watermark reached {@code watermark}: each user's events at or before it are applied in
     * time order, then every user whose {@code last_seen + timeout} it has reached expires.
     */
    void watermark(long watermark) {
        for (List<UserEvent> events : pending.values()) {
            List<UserEvent> due = new ArrayList<>();
            for (UserEvent e : events) if (e.eventTime <= watermark) due.add(e);
            due.sort(java.util.Comparator.comparingLong(e -> e.eventTime));
            events.removeAll(due);
            due.forEach(this::apply);
        }
        live.entrySet()
                .removeIf(
                        entry -> {
                            User u = entry.getValue();
                            if (u.last + timeoutMs > watermark) return false;
                            expire(entry.getKey(), u);
                            return true;
                        });
    }

    boolean isLive(String user) {
        return live.containsKey(user);
    }

    long lastSeen(String user) {
        return live.get(user).last;
    }

    private void emit(String user, String row) {
        sequences.computeIfAbsent(user, k -> new ArrayList<>()).add(row);
    }

    /** Per user, every row in order. */
    Map<String, List<String>> sequences() {
        return sequences;
    }

    /** What a compacted topic holds at the end: the latest row of every user not deleted. */
    Map<String, String> upsertView() {
        Map<String, String> view = new LinkedHashMap<>();
        live.forEach(
                (user, u) ->
                        view.put(user, describe("active", u.count, u.first, u.last, u.session)));
        return view;
    }

    int totalRows() {
        return sequences.values().stream().mapToInt(List::size).sum();
    }
}
