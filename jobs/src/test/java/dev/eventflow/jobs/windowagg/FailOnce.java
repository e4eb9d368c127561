package dev.eventflow.jobs.windowagg;

import dev.eventflow.common.event.UserEvent;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Failure injection for exactly-once tests: once armed, throws on the N-th record it sees, once per
 * JVM (the MiniCluster runs in the test's JVM, so static flags survive the job's restart).
 */
public final class FailOnce implements MapFunction<UserEvent, UserEvent> {
    private static final long serialVersionUID = 1L;

    private static final AtomicBoolean ARMED = new AtomicBoolean();
    private static final AtomicBoolean FAILED = new AtomicBoolean();
    private static final AtomicInteger SEEN = new AtomicInteger();
    private static volatile int failAfter;

    /** Fail on the {@code records}-th record seen from now on. */
    public static void arm(int records) {
        SEEN.set(0);
        FAILED.set(false);
        failAfter = records;
        ARMED.set(true);
    }

    public static void reset() {
        ARMED.set(false);
        FAILED.set(false);
    }

    public static boolean hasFailed() {
        return FAILED.get();
    }

    @Override
    public UserEvent map(UserEvent event) {
        if (ARMED.get()
                && !FAILED.get()
                && SEEN.incrementAndGet() >= failAfter
                && FAILED.compareAndSet(false, true)) {
            throw new IllegalStateException("injected failure after " + failAfter + " records");
        }
        return event;
    }
}
