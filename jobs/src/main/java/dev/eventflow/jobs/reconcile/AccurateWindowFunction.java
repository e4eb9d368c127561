package dev.eventflow.jobs.reconcile;

import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Turns a window's exact accumulator into an {@link AccurateWindow}. */
public final class AccurateWindowFunction
        extends ProcessWindowFunction<ExactWindowAccumulator, AccurateWindow, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    @Override
    public void process(
            String userId,
            Context context,
            Iterable<ExactWindowAccumulator> aggregates,
            Collector<AccurateWindow> out) {
        ExactWindowAccumulator acc = aggregates.iterator().next();
        out.collect(
                new AccurateWindow(
                        acc.stats.toResult(
                                userId, context.window().getStart(), context.window().getEnd()),
                        acc.sessions.size()));
    }
}
