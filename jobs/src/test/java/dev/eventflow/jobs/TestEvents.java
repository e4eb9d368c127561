package dev.eventflow.jobs;

import dev.eventflow.common.event.UserEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Named instants and small factories for readable, deterministic test data.
 *
 * <p>{@link #event} and {@link #purchase} number their events {@code e-1}, {@code e-2}, ... in the
 * order a test creates them. The numbering restarts before every test ({@link FreshIds}, registered
 * for the whole module through {@code META-INF/services}), so an id, and anything hashed from it
 * (late-event sampling, partitioning), does not depend on which tests ran before.
 */
public final class TestEvents {

    public static final long T0 = Instant.parse("2026-01-01T10:00:00Z").toEpochMilli();
    public static final long MINUTE = Duration.ofMinutes(1).toMillis();
    public static final long SECOND = 1_000L;

    private static final AtomicLong SEQUENCE = new AtomicLong();

    private TestEvents() {}

    public static long at(long minutes, long seconds) {
        return T0 + minutes * MINUTE + seconds * SECOND;
    }

    public static UserEvent event(String user, String session, long time) {
        return new UserEvent(nextId(), user, session, "page_view", time, null);
    }

    public static UserEvent purchase(String user, String session, long time, double amount) {
        return new UserEvent(nextId(), user, session, "purchase", time, amount);
    }

    private static String nextId() {
        return "e-" + SEQUENCE.incrementAndGet();
    }

    /** Restarts the numbering of {@link #event} and {@link #purchase} before each test. */
    public static final class FreshIds implements BeforeEachCallback {
        @Override
        public void beforeEach(ExtensionContext context) {
            SEQUENCE.set(0);
        }
    }

    /**
     * A seeded stream of events over {@code minutes} of event time, shuffled back by up to {@code
     * maxDisorderMs} (kept below the watermark delay, so nothing is late), with amounts on some.
     */
    public static List<UserEvent> seeded(
            long seed, int count, int users, int minutes, long maxDisorderMs) {
        SplittableRandom r = new SplittableRandom(seed);
        List<UserEvent> out = new ArrayList<>(count);
        long span = minutes * MINUTE;
        String[] types = {"page_view", "click", "add_to_cart", "purchase"};
        for (int i = 0; i < count; i++) {
            long clock = T0 + span * i / count;
            long time = Math.max(T0, clock - r.nextLong(maxDisorderMs + 1));
            String type = types[r.nextInt(types.length)];
            Double amount =
                    type.equals("purchase") || type.equals("add_to_cart")
                            ? Math.round(r.nextDouble(1, 200) * 100) / 100.0
                            : null;
            out.add(
                    new UserEvent(
                            "e-" + seed + "-" + i,
                            "user-" + r.nextInt(users),
                            "s-" + r.nextInt(users * 3),
                            type,
                            time,
                            amount));
        }
        return out;
    }
}
