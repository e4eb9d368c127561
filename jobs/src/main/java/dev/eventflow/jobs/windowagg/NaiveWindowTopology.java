package dev.eventflow.jobs.windowagg;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.jobs.windowstats.WindowResult;
import dev.eventflow.jobs.windowstats.WindowSpec;
import dev.eventflow.jobs.windowstats.WindowStatsAggregate;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * The textbook topology for the same windows: Flink's {@link SlidingEventTimeWindows} (or {@link
 * TumblingEventTimeWindows}) with the incremental {@link WindowStatsAggregate}, so each event
 * updates one accumulator per window that contains it (five for 5-minute windows sliding by one).
 *
 * <p>Not what the job runs: it is the reference that the differential tests hold the production
 * topology to (identical rows, including partial lateness), and the {@code naive-sliding} variant
 * of the benchmarks. Same late routing in front, same output streams.
 *
 * <p>With an allowed lateness ({@link #defineUpdating}) it is also the reference for update mode:
 * Flink's window operator then fires a window when the watermark passes its end and again for each
 * event that arrives within the lateness, and drops it at {@code end + lateness} (it writes no
 * final row there, the one thing the job's update mode adds).
 */
public final class NaiveWindowTopology {

    static final String NAIVE_WINDOW_UID = "window-aggregation.naive-window";

    private NaiveWindowTopology() {}

    public static WindowAggregationJob.Outputs defineWorkflow(
            DataStream<UserEvent> events, WindowSpec spec) {
        return defineWorkflow(events, spec, NAIVE_WINDOW_UID);
    }

    /** The update-mode reference: Flink's windows with {@code allowedLateness}. */
    public static WindowAggregationJob.Outputs defineUpdating(
            DataStream<UserEvent> events, WindowSpec spec, long allowedLatenessMs) {
        return define(
                events,
                spec,
                allowedLatenessMs,
                "naive sliding window aggregate with allowed lateness (reference)",
                NAIVE_WINDOW_UID);
    }

    /**
     * With the window operator's uid chosen: {@code Operators.WINDOW.uid()} gives exactly the job
     * graph and state layout of the versions before sliced windows (for the upgrade tests).
     */
    static WindowAggregationJob.Outputs defineWorkflow(
            DataStream<UserEvent> events, WindowSpec spec, String windowUid) {
        return define(events, spec, 0, "naive sliding window aggregate (reference)", windowUid);
    }

    private static WindowAggregationJob.Outputs define(
            DataStream<UserEvent> events,
            WindowSpec spec,
            long allowedLatenessMs,
            String name,
            String uid) {
        SingleOutputStreamOperator<UserEvent> onTime =
                WindowAggregationJob.routeLateEvents(events, spec, allowedLatenessMs);
        WindowAssigner<Object, TimeWindow> windows =
                spec.isTumbling()
                        ? TumblingEventTimeWindows.of(Duration.ofMillis(spec.sizeMs))
                        : SlidingEventTimeWindows.of(
                                Duration.ofMillis(spec.sizeMs), Duration.ofMillis(spec.slideMs));
        SingleOutputStreamOperator<WindowResult> results =
                WindowAggregationJob.keyedByUser(onTime)
                        .window(windows)
                        .allowedLateness(Duration.ofMillis(allowedLatenessMs))
                        .aggregate(
                                new WindowStatsAggregate(spec.lgK),
                                new WindowResultFunction(),
                                WindowStatsAccumulatorSerializer.TYPE_INFO,
                                WindowStatsAccumulatorSerializer.TYPE_INFO,
                                TypeInformation.of(WindowResult.class))
                        .name(name)
                        .uid(uid);
        return new WindowAggregationJob.Outputs(
                results, onTime.getSideOutput(LateEventRouter.LATE));
    }
}
