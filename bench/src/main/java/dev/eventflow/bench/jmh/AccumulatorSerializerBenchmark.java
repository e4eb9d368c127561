package dev.eventflow.bench.jmh;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.sketch.HllSketches;
import dev.eventflow.jobs.windowstats.WindowStatsAccumulator;
import dev.eventflow.jobs.windowstats.WindowStatsAccumulatorSerializer;
import dev.eventflow.jobs.windowstats.WindowStatsAggregate;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.datasketches.hll.HllSketch;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
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
 * The accumulator's state serializer ({@link WindowStatsAccumulatorSerializer}, what RocksDB pays
 * on every read and write of a window or slice) on an accumulator of {@code events} seeded events:
 * {@link #serialize}, and {@link #roundTrip} (serialize + deserialize, one read-modify-write).
 * Baseline {@link #sketchImageRoundTrip}: the HLL sketch's compact image to bytes and back, which
 * any layout holding the sketch pays.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class AccumulatorSerializerBenchmark {

    @Param({"5", "50"})
    public int events;

    private final WindowStatsAccumulatorSerializer serializer =
            WindowStatsAccumulatorSerializer.INSTANCE;
    private final DataOutputSerializer out = new DataOutputSerializer(4096);
    private final DataInputDeserializer in = new DataInputDeserializer();
    private WindowStatsAccumulator accumulator;
    private HllSketch sketch;

    @Setup
    public void setUp() {
        WindowStatsAggregate aggregate = new WindowStatsAggregate(Events.LG_K);
        UserEvent[] parsed = Events.parsed(2_000);
        accumulator = Events.accumulator(aggregate, parsed, 0, events);
        sketch = HllSketches.create(Events.LG_K);
        for (int i = 0; i < events; i++) sketch.update(parsed[i].sessionId);
    }

    @Benchmark
    public int serialize() throws IOException {
        out.clear();
        serializer.serialize(accumulator, out);
        return out.length();
    }

    @Benchmark
    public WindowStatsAccumulator roundTrip() throws IOException {
        out.clear();
        serializer.serialize(accumulator, out);
        in.setBuffer(out.getSharedBuffer(), 0, out.length());
        return serializer.deserialize(in);
    }

    @Benchmark
    public HllSketch sketchImageRoundTrip() {
        return HllSketches.fromBytes(HllSketches.toBytes(sketch));
    }
}
