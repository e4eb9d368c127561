package dev.eventflow.jobs.reconcile;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.jobs.windowstats.WindowStatsAggregate;
import java.util.HashSet;
import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * {@code window-aggregation}'s {@link WindowStatsAggregate}, unchanged, with an exact distinct
 * count of sessions alongside.
 */
public final class ExactWindowAggregate
        implements AggregateFunction<UserEvent, ExactWindowAccumulator, ExactWindowAccumulator> {
    private static final long serialVersionUID = 1L;

    private final WindowStatsAggregate stats;

    public ExactWindowAggregate(int lgK) {
        this.stats = new WindowStatsAggregate(lgK);
    }

    @Override
    public ExactWindowAccumulator createAccumulator() {
        return new ExactWindowAccumulator(stats.createAccumulator());
    }

    @Override
    public ExactWindowAccumulator add(UserEvent event, ExactWindowAccumulator acc) {
        stats.add(event, acc.stats);
        acc.sessions.add(event.sessionId);
        return acc;
    }

    @Override
    public ExactWindowAccumulator getResult(ExactWindowAccumulator acc) {
        return acc;
    }

    @Override
    public ExactWindowAccumulator merge(ExactWindowAccumulator a, ExactWindowAccumulator b) {
        HashSet<String> sessions = new HashSet<>(a.sessions);
        sessions.addAll(b.sessions);
        return new ExactWindowAccumulator(stats.merge(a.stats, b.stats), sessions);
    }
}
