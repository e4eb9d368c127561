package dev.eventflow.jobs.faults;

import dev.eventflow.common.event.UserEvent;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * Failure injection at the points an operator of the job reaches, spliced in front of the job's
 * stateful operators (the jobs' {@code beforeWindows}/{@code beforeDedup} hook). Armed for one
 * {@link Point}, it throws once there; static state, as the MiniCluster runs in the test's JVM.
 */
final class OperatorFault implements MapFunction<UserEvent, UserEvent>, CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    enum Point {
        /** Processing a record, mid-stream (then {@link #AFTER_RESTORE} may follow). */
        RECORD,
        /** Taking a checkpoint: in the synchronous part of the operator's snapshot. */
        CHECKPOINT,
        /** Initializing from the restored checkpoint, after a first failure (a second failure). */
        AFTER_RESTORE
    }

    private static final AtomicReference<Point> ARMED = new AtomicReference<>();
    private static final AtomicInteger FIRED = new AtomicInteger();
    private static volatile boolean thenAfterRestore;

    static void reset() {
        ARMED.set(null);
        FIRED.set(0);
        thenAfterRestore = false;
    }

    /**
     * Throw once at {@code point}; with {@code thenAfterRestore}, once more right after restore.
     */
    static void arm(Point point, boolean alsoAfterRestore) {
        thenAfterRestore = alsoAfterRestore;
        ARMED.set(point);
    }

    /** How many injected failures happened. */
    static int fired() {
        return FIRED.get();
    }

    private static void fire(Point at, String what) {
        Point next = at != Point.AFTER_RESTORE && thenAfterRestore ? Point.AFTER_RESTORE : null;
        if (ARMED.compareAndSet(at, next)) {
            FIRED.incrementAndGet();
            throw new IllegalStateException("injected failure " + what);
        }
    }

    @Override
    public UserEvent map(UserEvent event) {
        fire(Point.RECORD, "while processing a record");
        return event;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        fire(Point.CHECKPOINT, "while taking checkpoint " + context.getCheckpointId());
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        if (context.isRestored()) fire(Point.AFTER_RESTORE, "right after the restore");
    }
}
