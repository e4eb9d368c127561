package dev.eventflow.jobs.windowstats;

import dev.eventflow.common.event.UserEvent;
import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Incremental aggregation: each event updates its windows' accumulators as it arrives, so a window
 * holds one fixed-size accumulator instead of buffering its events (what a plain {@code
 * ProcessWindowFunction} would do). The result is the accumulator itself; {@link
 * WindowResultFunction} adds the key and window bounds.
 */
public final class WindowStatsAggregate
        implements AggregateFunction<UserEvent, WindowStatsAccumulator, WindowStatsAccumulator> {
    private static final long serialVersionUID = 1L;

    private final int lgK;

    public WindowStatsAggregate(int lgK) {
        this.lgK = lgK;
    }

    @Override
    public WindowStatsAccumulator createAccumulator() {
        return WindowStatsAccumulator.empty(lgK);
    }

    @Override
    public WindowStatsAccumulator add(UserEvent event, WindowStatsAccumulator acc) {
        acc.add(event);
        return acc;
    }

    @Override
    public WindowStatsAccumulator getResult(WindowStatsAccumulator acc) {
        return acc;
    }

    @Override
    public WindowStatsAccumulator merge(WindowStatsAccumulator a, WindowStatsAccumulator b) {
        return a.merge(b);
    }
}
