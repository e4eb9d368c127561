package dev.eventflow.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventflow.bench.SeededEvents;
import dev.eventflow.common.event.MalformedEventException;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.event.UserEventParser;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
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
 * Parsing one input record, cycling through 10,000 seeded records (the real mix: both time formats,
 * 0.4% malformed). {@link #userEventParser} is the job's parser (Jackson streaming); two baselines
 * in the same process: {@link #readBytesOnly} (touch every byte: the floor of any parser) and
 * {@link #jacksonTreeModel} (the straightforward way: Jackson's tree model plus java.time).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ParserBenchmark {

    private byte[][] records;
    private int next;
    private UserEventParser parser;
    private ObjectMapper mapper;

    @Setup
    public void setUp() {
        records = SeededEvents.records(10_000);
        parser = new UserEventParser(Duration.ofDays(36500).toMillis());
        mapper = new ObjectMapper();
    }

    private byte[] nextRecord() {
        byte[] r = records[next];
        next = next + 1 == records.length ? 0 : next + 1;
        return r;
    }

    @Benchmark
    public long readBytesOnly() {
        long h = 0;
        for (byte b : nextRecord()) h = 31 * h + b;
        return h;
    }

    @Benchmark
    public Object jacksonTreeModel() {
        try {
            JsonNode n = mapper.readTree(nextRecord());
            JsonNode t = n.get("event_time");
            long time = t.isNumber() ? t.asLong() : Instant.parse(t.asText()).toEpochMilli();
            return new UserEvent(
                    n.get("event_id").asText(),
                    n.get("user_id").asText(),
                    n.get("session_id").asText(),
                    n.get("event_type").asText(),
                    time,
                    n.has("amount") ? n.get("amount").asDouble() : null);
        } catch (IOException | RuntimeException malformed) {
            return malformed;
        }
    }

    @Benchmark
    public Object userEventParser() {
        try {
            return parser.parse(nextRecord());
        } catch (MalformedEventException malformed) {
            return malformed;
        }
    }
}
