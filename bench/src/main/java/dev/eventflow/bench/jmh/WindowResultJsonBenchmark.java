package dev.eventflow.bench.jmh;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventflow.jobs.windowstats.WindowResult;
import dev.eventflow.jobs.windowstats.WindowResultSerializationSchema;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One output row to JSON: {@link WindowResultSerializationSchema#toJson} (Jackson streaming), which
 * runs ~1.7 times per input event on the seeded data. Baseline {@link #jacksonDatabindMap}: the
 * straightforward way, the same fields in a map written by Jackson's {@code ObjectMapper}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class WindowResultJsonBenchmark {

    private WindowResult row;
    private final ObjectMapper mapper = new ObjectMapper();

    @Setup
    public void setUp() {
        // a typical row of the seeded data: a dozen events, two sessions, a purchase
        long end = Instant.parse("2026-01-01T00:05:00Z").toEpochMilli();
        row = new WindowResult();
        row.userId = "user-00042";
        row.windowStart = end - 300_000;
        row.windowEnd = end;
        row.events = 12;
        row.approxSessions = 2;
        row.sumAmount = 161.38;
        row.avgAmount = 80.69;
        row.minAmount = 23.5;
        row.maxAmount = 137.88;
        row.purchases = 1;
    }

    @Benchmark
    public byte[] toJson() {
        return WindowResultSerializationSchema.toJson(row);
    }

    @Benchmark
    public byte[] jacksonDatabindMap() throws JsonProcessingException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user_id", row.userId);
        m.put("window_start", Instant.ofEpochMilli(row.windowStart).toString());
        m.put("window_end", Instant.ofEpochMilli(row.windowEnd).toString());
        m.put("events", row.events);
        m.put("approx_sessions", row.approxSessions);
        m.put("sum_amount", row.sumAmount);
        m.put("avg_amount", row.avgAmount);
        m.put("min_amount", row.minAmount);
        m.put("max_amount", row.maxAmount);
        m.put("purchases", row.purchases);
        return mapper.writeValueAsBytes(m);
    }
}
