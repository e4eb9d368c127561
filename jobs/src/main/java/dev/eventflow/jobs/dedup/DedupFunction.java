package dev.eventflow.jobs.dedup;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.metrics.SuiteMetrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Spark's {@code dropDuplicatesWithinWatermark(["event_id"])} on Flink, keyed by event_id: the
 * first copy of an event passes, later copies are dropped and counted ({@code duplicatesDropped})
 * for as long as the id is remembered.
 *
 * <p>An id is remembered (one {@code Long} of state: when it is forgotten) until the watermark
 * reaches {@code event_time + horizon} of its first copy; an event-time timer then clears it. So
 * state is bounded by the horizon plus the watermark delay, whatever the number of ids, and a copy
 * arriving after that passes again (as in Spark, where a duplicate arriving after the state expired
 * is not recognised). A first copy whose {@code event_time + horizon} the watermark has already
 * passed is passed on without being remembered (counted in {@code passedBeyondHorizon}): its
 * earlier copies, if any, are already forgotten, so there is nothing to check it against.
 */
public final class DedupFunction extends KeyedProcessFunction<String, UserEvent, UserEvent> {
    private static final long serialVersionUID = 1L;

    public static final String STATE_NAME = "forget-at";

    private final long horizonMs;

    private transient ValueState<Long> forgetAt;

    /** Copies dropped within the horizon. */
    public static final String DUPLICATES_DROPPED = "eventflow_duplicates_dropped_total";

    /** Events that arrived after their horizon had passed and were passed on unremembered. */
    public static final String PASSED_BEYOND_HORIZON = "eventflow_passed_beyond_horizon_total";

    private transient Counter duplicatesDropped;
    private transient Counter passedBeyondHorizon;
    private transient SuiteMetrics.WatermarkLag watermarkLag;

    public DedupFunction(long horizonMs) {
        if (horizonMs <= 0) throw new IllegalArgumentException("horizon must be positive");
        this.horizonMs = horizonMs;
    }

    @Override
    public void open(OpenContext openContext) {
        forgetAt = getRuntimeContext().getState(new ValueStateDescriptor<>(STATE_NAME, Types.LONG));
        SuiteMetrics metrics = SuiteMetrics.of(getRuntimeContext());
        duplicatesDropped = metrics.counter(DUPLICATES_DROPPED);
        passedBeyondHorizon = metrics.counter(PASSED_BEYOND_HORIZON);
        watermarkLag = metrics.watermarkLag();
    }

    @Override
    public void processElement(UserEvent event, Context ctx, Collector<UserEvent> out)
            throws Exception {
        watermarkLag.observe(ctx.timerService().currentWatermark());
        if (forgetAt.value() != null) {
            duplicatesDropped.inc();
            return;
        }
        long at = event.eventTime + horizonMs;
        if (at <= ctx.timerService().currentWatermark()) {
            passedBeyondHorizon.inc();
        } else {
            forgetAt.update(at);
            ctx.timerService().registerEventTimeTimer(at);
        }
        out.collect(event);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<UserEvent> out) {
        watermarkLag.observe(ctx.timerService().currentWatermark());
        forgetAt.clear();
    }

    /** For tests: {duplicatesDropped, passedBeyondHorizon} as seen by this instance. */
    long[] counts() {
        return new long[] {duplicatesDropped.getCount(), passedBeyondHorizon.getCount()};
    }
}
