package dev.eventflow.jobs.windowagg;

import dev.eventflow.jobs.windowstats.WindowResult;
import dev.eventflow.jobs.windowstats.WindowStatsAccumulator;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Turns a closed window's accumulator into the output row: user, window bounds, aggregates. */
public final class WindowResultFunction
        extends ProcessWindowFunction<WindowStatsAccumulator, WindowResult, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void process(
            String userId,
            Context context,
            Iterable<WindowStatsAccumulator> aggregates,
            Collector<WindowResult> out) {
        WindowStatsAccumulator acc = aggregates.iterator().next();
        out.collect(acc.toResult(userId, context.window().getStart(), context.window().getEnd()));
    }
}
