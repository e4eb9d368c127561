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
    private static volatile String failOnEventId;

    /** Fail on the {@code records}-th record seen from now on. */
    public static void arm(int records) {
        SEEN.set(0);
        FAILED.set(false);
        failAfter = records;
        failOnEventId = null;
        ARMED.set(true);
    }

    /**
     * Fail on the first sight of the event with this id: the job then restores from a checkpoint
     * taken before it, and reads it again first.
     */
    public static void armOn(String eventId) {
        FAILED.set(false);
        failOnEventId = eventId;
        ARMED.set(true);
    }

    public static void reset() {
        ARMED.set(false);
        FAILED.set(false);
        failOnEventId = null;
    }

    public static boolean hasFailed() {
        return FAILED.get();
    }

    @Override
    public UserEvent map(UserEvent event) {
        String onEvent = failOnEventId;
        if (ARMED.get()
                && !FAILED.get()
                && (onEvent == null
                        ? SEEN.incrementAndGet() >= failAfter
                        : onEvent.equals(event.eventId))
                && FAILED.compareAndSet(false, true)) {
            throw new IllegalStateException(
                    onEvent == null
                            ? "injected failure after " + failAfter + " records"
                            : "injected failure on event " + onEvent);
        }
        return event;
    }
}
