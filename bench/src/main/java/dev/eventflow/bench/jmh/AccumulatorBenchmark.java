package dev.eventflow.bench.jmh;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.jobs.windowstats.WindowStatsAccumulator;
import dev.eventflow.jobs.windowstats.WindowStatsAggregate;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The window statistics through the job's {@link WindowStatsAggregate} (whatever the accumulator's
 * layout): {@link #add} one event to an accumulator (counts, amounts, HLL update of the session);
 * {@link #merge} two accumulators of 20 events each (how a window is assembled from slices); {@link
 * #createAccumulator} (a fresh accumulator with its empty sketch). Baseline {@link
 * #readEventFields}: reading the fields {@code add} reads, i.e. the cost of the event itself.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class AccumulatorBenchmark {

    private final WindowStatsAggregate aggregate = new WindowStatsAggregate(Events.LG_K);
    private UserEvent[] events;
    private int next;
    private WindowStatsAccumulator target;
    private WindowStatsAccumulator left;
    private WindowStatsAccumulator right;

    @Setup
    public void setUp() {
        events = Events.parsed(20_000);
        left = Events.accumulator(aggregate, events, 0, 20);
        right = Events.accumulator(aggregate, events, 5_000, 20);
    }

    /** A fresh accumulator per iteration, so the sketch's size is that of a real window's. */
    @Setup(Level.Iteration)
    public void freshTarget() {
        target = aggregate.createAccumulator();
    }

    private UserEvent nextEvent() {
        UserEvent e = events[next];
        next = next + 1 == events.length ? 0 : next + 1;
        return e;
    }

    @Benchmark
    public double readEventFields() {
        UserEvent e = nextEvent();
        return (e.amount == null ? 0 : e.amount)
                + (e.isPurchase() ? 1 : 0)
                + e.sessionId.hashCode();
    }

    @Benchmark
    public WindowStatsAccumulator add() {
        target = aggregate.add(nextEvent(), target);
        return target;
    }

    @Benchmark
    public WindowStatsAccumulator merge() {
        return aggregate.merge(left, right);
    }

    @Benchmark
    public WindowStatsAccumulator createAccumulator() {
        return aggregate.createAccumulator();
    }
}
