package dev.eventflow.bench.jmh;

import dev.eventflow.common.sketch.HllSketches;
import java.util.concurrent.TimeUnit;
import org.apache.datasketches.hll.HllSketch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * HLL union through {@link HllSketches#merge} (DataSketches, lgK 12, the job's default) of two
 * sketches holding {@code distinct} sessions each: a user's window has a handful of sessions
 * (sketches in list/set mode), a busy key many (dense HLL mode). Baselines: {@link #copy} (copying
 * one sketch) and {@link #updateOne} (one session update, what each event pays).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class HllUnionBenchmark {

    @Param({"4", "1000"})
    public int distinct;

    private HllSketch a;
    private HllSketch b;
    private HllSketch updated;
    private long session;

    @Setup
    public void setUp() {
        a = HllSketches.create(Events.LG_K);
        b = HllSketches.create(Events.LG_K);
        for (int i = 0; i < distinct; i++) {
            a.update("s-" + i);
            b.update("s-" + (i + distinct / 2));
        }
        updated = HllSketches.create(Events.LG_K);
    }

    @Benchmark
    public HllSketch union() {
        return HllSketches.merge(a, b);
    }

    @Benchmark
    public HllSketch copy() {
        return a.copy();
    }

    @Benchmark
    public HllSketch updateOne() {
        updated.update("s-" + (session++ & 1023));
        return updated;
    }
}
