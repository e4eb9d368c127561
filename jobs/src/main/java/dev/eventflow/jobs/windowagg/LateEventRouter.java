package dev.eventflow.jobs.windowagg;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.metrics.SuiteMetrics;
import dev.eventflow.jobs.windowstats.WindowSpec;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decides, for every event, what the window operator right after it will do with it, and makes the
 * late part visible instead of silently dropped (Spark drops late rows without a trace):
 *
 * <ul>
 *   <li>every window containing the event is still open: passed on;
 *   <li>every window containing it is already closed (the watermark reached the newest window's
 *       last millisecond): sent to the {@link #LATE} side output with the watermark and lateness,
 *       counted in {@code lateEvents}, and not passed on;
 *   <li>some windows closed, some open (possible only with sliding windows): passed on, and it
 *       counts only in the open ones (Flink and Spark alike drop the closed assignments); counted
 *       in {@code partiallyLateEvents}, the dropped (event, window) pairs in {@code
 *       droppedWindowAssignments}.
 * </ul>
 *
 * It runs keyed and chained directly in front of the window operator, so the watermark it reads is
 * exactly the one the window operator will hold for the same event. No keyed state, no timers. The
 * job runs it inside {@link LateEventRouterOperator}, which checkpoints the watermark so that these
 * verdicts, and the window operator's, hold across restores.
 */
public final class LateEventRouter extends KeyedProcessFunction<String, UserEvent, UserEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<LateEvent> LATE = new OutputTag<>("late-events") {};

    private final WindowSpec spec;

    private transient Counter lateEvents;
    private transient Counter partiallyLateEvents;
    private transient Counter droppedWindowAssignments;

    public LateEventRouter(WindowSpec spec) {
        this.spec = spec;
    }

    @Override
    public void open(OpenContext openContext) {
        SuiteMetrics metrics = SuiteMetrics.of(getRuntimeContext());
        lateEvents = metrics.lateEvents();
        partiallyLateEvents = metrics.partiallyLateEvents();
        droppedWindowAssignments = metrics.droppedWindowAssignments();
    }

    @Override
    public void processElement(UserEvent event, Context ctx, Collector<UserEvent> out) {
        long watermark = ctx.timerService().currentWatermark();
        int closed = spec.closedWindows(event.eventTime, watermark);
        if (closed == 0) {
            out.collect(event);
        } else if (closed == spec.windowsPerEvent(event.eventTime)) {
            lateEvents.inc();
            ctx.output(LATE, new LateEvent(event, watermark));
        } else {
            partiallyLateEvents.inc();
            droppedWindowAssignments.inc(closed);
            out.collect(event);
        }
    }

    /** For tests: the counters as seen by this instance. */
    long[] counts() {
        return new long[] {
            lateEvents.getCount(),
            partiallyLateEvents.getCount(),
            droppedWindowAssignments.getCount()
        };
    }
}
