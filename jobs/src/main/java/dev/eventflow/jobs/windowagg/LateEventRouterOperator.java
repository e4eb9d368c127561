package dev.eventflow.jobs.windowagg;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.metrics.SuiteMetrics;
import dev.eventflow.common.time.WatermarkFloor;
import dev.eventflow.jobs.windowstats.WindowSpec;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * The runtime of {@link LateEventRouter}: a {@link KeyedProcessOperator} that also keeps a {@link
 * WatermarkFloor}, so that late decisions survive failures, restarts and savepoint upgrades.
 *
 * <p>Without a floor, events replayed after a restore that were late for the old job (their windows
 * already fired and committed) would be accepted: the router would pass them on and the window
 * operator would create and fire a second, partial row for an already emitted window. The floor
 * (restored as the minimum over the old subtasks, without the end-of-input watermark) is applied at
 * {@link #open()} to this operator's own timer service (so the router classifies with it) and
 * emitted downstream before any record, so the chained window operator is back at the same point.
 * Incoming watermarks at or below the floor are swallowed, so the downstream watermark never goes
 * backwards. Watermark status (idleness) passes through unchanged.
 */
public final class LateEventRouterOperator
        extends KeyedProcessOperator<String, UserEvent, UserEvent> {
    private static final long serialVersionUID = 1L;

    static final String FLOOR_STATE = "watermark-floor";

    private transient WatermarkFloor floor;

    public LateEventRouterOperator(WindowSpec spec) {
        this(new LateEventRouter(spec));
    }

    LateEventRouterOperator(LateEventRouter router) {
        super(router);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        floor = WatermarkFloor.restore(context, FLOOR_STATE);
    }

    @Override
    public void open() throws Exception {
        super.open();
        // The lag of the watermark this operator holds (and the window operator after it).
        SuiteMetrics.of(getMetricGroup()).watermarkLag(floor::get);
        if (floor.wasRestored()) {
            // Downstream operators of the chain are already open (a chain opens tail first).
            super.processWatermark(new Watermark(floor.get()));
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        // At or below the floor: behind what this operator (or the job before a restore) already
        // forwarded.
        if (floor.advance(mark.getTimestamp())) {
            super.processWatermark(mark);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        floor.snapshot();
    }

    /** For tests: the highest watermark forwarded (or restored), {@code Long.MIN_VALUE} if none. */
    long floor() {
        return floor.get();
    }
}
