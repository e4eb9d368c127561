package dev.eventflow.common.time;

import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.ManagedInitializationContext;

/**
 * The highest watermark an operator has acted on, kept across failures, restarts and savepoint
 * upgrades: the one rule by which every late-routing operator of the suite decides "late" after a
 * restore.
 *
 * <p>Flink does not checkpoint watermarks. A restored job starts at {@code Long.MIN_VALUE} until
 * its sources emit their first watermark, and events replayed from the checkpointed offsets that
 * were late for the old job would be called on time: a late router would pass them on, and a window
 * operator would fire a second, partial row for a window already emitted. A floor avoids that:
 *
 * <ul>
 *   <li>{@link #advance} moves it with every watermark the operator sees, and never backwards;
 *   <li>it is checkpointed as union list state, one entry per subtask; {@link #restore} takes the
 *       <em>minimum</em> over all entries, which never claims more progress than any subtask had,
 *       so it is safe under rescaling (at an aligned checkpoint every subtask holds the same input
 *       watermark anyway);
 *   <li>the end-of-input watermark ({@code Long.MAX_VALUE}: a bounded run's end, a drained stop) is
 *       not event-time progress of the data: the floor follows it while running, but the checkpoint
 *       keeps the last real watermark, so a job restored from a drained savepoint does not call
 *       every later event late.
 * </ul>
 *
 * Not thread-safe; used from the operator's task thread (reads from metric gauges tolerate a stale
 * value).
 */
public final class WatermarkFloor {

    private final ListState<Long> state;
    private volatile long floor;

    /** The floor without the end-of-input watermark: what a checkpoint stores. */
    private long finiteFloor;

    private final boolean restored;

    private WatermarkFloor(ListState<Long> state, long restoredFloor) {
        this.state = state;
        this.floor = restoredFloor;
        this.finiteFloor = restoredFloor;
        this.restored = restoredFloor > Long.MIN_VALUE;
    }

    /**
     * The floor kept in union list state {@code stateName} of the operator being initialized
     * ({@code initializeState} of an operator or of a {@code CheckpointedFunction}).
     */
    public static WatermarkFloor restore(ManagedInitializationContext context, String stateName)
            throws Exception {
        return restore(context.getOperatorStateStore(), stateName, context.isRestored());
    }

    /**
     * The floor kept in union list state {@code stateName} of {@code store}: restored (the minimum
     * of the entries) when {@code isRestored} and the state holds entries, otherwise none yet.
     */
    public static WatermarkFloor restore(
            OperatorStateStore store, String stateName, boolean isRestored) throws Exception {
        ListState<Long> state =
                store.getUnionListState(new ListStateDescriptor<>(stateName, Types.LONG));
        return new WatermarkFloor(state, isRestored ? restoredValue(state.get()) : Long.MIN_VALUE);
    }

    /**
     * The floor a restore starts from: the minimum of the subtasks' entries, or {@code
     * Long.MIN_VALUE} without any (a savepoint taken before the floor existed: behave as before).
     */
    public static long restoredValue(Iterable<Long> entries) {
        long min = Long.MAX_VALUE;
        boolean any = false;
        if (entries != null) {
            for (Long entry : entries) {
                if (entry == null) continue;
                min = Math.min(min, entry);
                any = true;
            }
        }
        return any ? min : Long.MIN_VALUE;
    }

    /**
     * Takes {@code watermark} into account.
     *
     * @return whether it raised the floor (a watermark at or below it is already known: an operator
     *     that forwards watermarks swallows it, so downstream never goes backwards)
     */
    public boolean advance(long watermark) {
        if (watermark <= floor) return false;
        floor = watermark;
        if (watermark != Long.MAX_VALUE) finiteFloor = watermark;
        return true;
    }

    /** The highest watermark seen or restored; {@code Long.MIN_VALUE} before any. */
    public long get() {
        return floor;
    }

    /** Whether a checkpointed floor was restored (an operator then re-emits it first). */
    public boolean wasRestored() {
        return restored;
    }

    /** What the next checkpoint stores: the floor without the end-of-input watermark. */
    public long checkpointValue() {
        return finiteFloor;
    }

    /** Writes {@link #checkpointValue} to the state; call from {@code snapshotState}. */
    public void snapshot() throws Exception {
        state.update(List.of(finiteFloor));
    }

    /** A floor outside any operator state, starting at {@code restoredFloor}; for tests. */
    static WatermarkFloor detached(long restoredFloor) {
        return new WatermarkFloor(null, restoredFloor);
    }
}
