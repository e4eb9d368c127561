package dev.eventflow.jobs.windowagg;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.jobs.windowstats.WindowSpec;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * The runtime of {@link LateEventRouter}: a {@link KeyedProcessOperator} that also keeps a
 * <em>watermark floor</em>, so that late decisions survive failures, restarts and savepoint
 * upgrades.
 *
 * <p>Flink does not checkpoint watermarks. Without a floor, a restored job starts at {@code
 * Long.MIN_VALUE} until the sources emit their first watermark, and events replayed from the
 * checkpointed offsets that were late for the old job (their windows already fired and committed)
 * would be accepted: the router would pass them on and the window operator would create and fire a
 * second, partial row for an already emitted window.
 *
 * <p>The floor is the highest watermark this operator has forwarded. It is checkpointed as union
 * list state (one entry per subtask); on restore every subtask takes the minimum over all entries,
 * which never claims more progress than any subtask had, so it is safe under rescaling. At {@link
 * #open()} a restored floor is applied to this operator's own timer service (so the router
 * classifies with it) and emitted downstream before any record, so the chained window operator is
 * back at the same point. Incoming watermarks at or below the floor are swallowed, so the
 * downstream watermark never goes backwards. Watermark status (idleness) passes through unchanged.
 */
public final class LateEventRouterOperator
        extends KeyedProcessOperator<String, UserEvent, UserEvent> {
    private static final long serialVersionUID = 1L;

    static final String FLOOR_STATE = "watermark-floor";

    private transient ListState<Long> floorState;
    private transient long floor;

    /** The floor without the end-of-input watermark (see {@link #snapshotState}). */
    private transient long finiteFloor;

    private transient boolean restoredFloor;

    public LateEventRouterOperator(WindowSpec spec) {
        this(new LateEventRouter(spec));
    }

    LateEventRouterOperator(LateEventRouter router) {
        super(router);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        floorState =
                context.getOperatorStateStore()
                        .getUnionListState(new ListStateDescriptor<>(FLOOR_STATE, Types.LONG));
        floor = Long.MIN_VALUE;
        finiteFloor = Long.MIN_VALUE;
        restoredFloor = false;
        if (context.isRestored()) {
            long min = Long.MAX_VALUE;
            boolean any = false;
            for (Long entry : floorState.get()) {
                min = Math.min(min, entry);
                any = true;
            }
            // No entry: a savepoint from before the floor existed; behave as before.
            if (any && min > Long.MIN_VALUE) {
                floor = min;
                finiteFloor = min;
                restoredFloor = true;
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        if (restoredFloor) {
            // Downstream operators of the chain are already open (a chain opens tail first).
            super.processWatermark(new Watermark(floor));
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (mark.getTimestamp() <= floor) {
            return; // behind what this operator (or the job before a restore) already forwarded
        }
        floor = mark.getTimestamp();
        if (floor != Long.MAX_VALUE) {
            finiteFloor = floor;
        }
        super.processWatermark(mark);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        // The end-of-input watermark (a drained stop) is not event-time progress of the data: a
        // job restored from such a savepoint would otherwise route every later event to the late
        // topic. It keeps the last real watermark instead.
        floorState.update(List.of(finiteFloor));
    }

    /** For tests: the highest watermark forwarded (or restored), {@code Long.MIN_VALUE} if none. */
    long floor() {
        return floor;
    }
}
