package dev.eventflow.common.generator;

import java.time.Instant;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A seeded generator of realistic user-event JSON for demos, benchmarks and large tests: many users
 * with a skewed activity distribution, sessions that start and end, a funnel of event types (page
 * views, clicks, add-to-cart, purchases with amounts), bounded disorder, and a small share of very
 * late and malformed records. Same seed, same stream: runs are reproducible.
 *
 * <p>Time is simulated: {@link #next()} advances an event-time clock by {@code stepMs} per event,
 * so a demo can play an hour of traffic in a minute. Not thread-safe.
 */
public final class UserEventGenerator {

    /** What was generated, with the event time for the caller's bookkeeping. */
    public static final class Generated {
        public final String key;
        public final String json;

        /** Event time (epoch ms); -1 for a malformed record. */
        public final long eventTime;

        public final Kind kind;

        Generated(String key, String json, long eventTime, Kind kind) {
            this.key = key;
            this.json = json;
            this.eventTime = eventTime;
            this.kind = kind;
        }
    }

    public enum Kind {
        ON_TIME,
        LATE,
        MALFORMED
    }

    private static final String[] FUNNEL = {
        "page_view", "page_view", "page_view", "click", "click", "add_to_cart", "purchase"
    };

    private final SplittableRandom random;
    private final int users;
    private final long stepMs;
    private final long maxDisorderMs;
    private final long lateByMs;
    private final double lateShare;
    private final double malformedShare;
    private final String[] userSessions;
    private long clock;
    private long sequence;

    /**
     * @param startTime event time of the first event (epoch ms)
     * @param stepMs event-time advance per generated event
     * @param maxDisorderMs events are shuffled back up to this much (keep below the watermark
     *     delay)
     * @param lateByMs how far behind the clock a "late" event is placed (beyond the watermark
     *     delay)
     */
    public UserEventGenerator(
            long seed,
            int users,
            long startTime,
            long stepMs,
            long maxDisorderMs,
            long lateByMs,
            double lateShare,
            double malformedShare) {
        this.random = new SplittableRandom(seed);
        this.users = users;
        this.clock = startTime;
        this.stepMs = stepMs;
        this.maxDisorderMs = maxDisorderMs;
        this.lateByMs = lateByMs;
        this.lateShare = lateShare;
        this.malformedShare = malformedShare;
        this.userSessions = new String[users];
    }

    public long clock() {
        return clock;
    }

    public Generated next() {
        clock += stepMs;
        long id = ++sequence;
        double roll = random.nextDouble();
        if (roll < malformedShare) {
            return malformed(id);
        }
        int user = skewedUser();
        String userId = String.format(Locale.ROOT, "user-%05d", user);
        if (userSessions[user] == null || random.nextDouble() < 0.05) {
            userSessions[user] = "s-" + Long.toHexString(random.nextLong() & 0xffffffffffL);
        }
        String type = FUNNEL[random.nextInt(FUNNEL.length)];
        boolean late = roll < malformedShare + lateShare;
        long time =
                late
                        ? clock - lateByMs - random.nextLong(Math.max(1, lateByMs / 2))
                        : clock - random.nextLong(maxDisorderMs + 1);
        StringBuilder json =
                new StringBuilder(192)
                        .append("{\"event_id\":\"e-")
                        .append(id)
                        .append("\",\"user_id\":\"")
                        .append(userId)
                        .append("\",\"session_id\":\"")
                        .append(userSessions[user])
                        .append("\",\"event_type\":\"")
                        .append(type)
                        .append("\",\"event_time\":");
        // Both accepted time formats appear, as they do in real topics.
        if ((id & 1) == 0) {
            json.append('"').append(Instant.ofEpochMilli(time)).append('"');
        } else {
            json.append(time);
        }
        if (type.equals("purchase") || type.equals("add_to_cart")) {
            json.append(",\"amount\":")
                    .append(String.format(Locale.ROOT, "%.2f", 5 + random.nextDouble() * 195));
        }
        json.append('}');
        return new Generated(userId, json.toString(), time, late ? Kind.LATE : Kind.ON_TIME);
    }

    /** A few users are very active, most are not (roughly Zipf-like). */
    private int skewedUser() {
        double u = random.nextDouble();
        return (int) Math.min(users - 1, Math.floor(users * u * u * u));
    }

    private Generated malformed(long id) {
        String json;
        switch (random.nextInt(4)) {
            case 0:
                json = "{\"event_id\":\"e-" + id + "\",\"user_id\":\"user-x\""; // truncated
                break;
            case 1:
                json =
                        "{\"event_id\":\"e-"
                                + id
                                + "\",\"session_id\":\"s\",\"event_type\":\"click\",\"event_time\":"
                                + clock
                                + "}"; // no user_id
                break;
            case 2:
                json =
                        "{\"event_id\":\"e-"
                                + id
                                + "\",\"user_id\":\"u\",\"session_id\":\"s\",\"event_type\":\"click\",\"event_time\":\"yesterday\"}";
                break;
            default:
                json = "not json at all #" + id;
        }
        return new Generated(null, json, -1, Kind.MALFORMED);
    }
}
