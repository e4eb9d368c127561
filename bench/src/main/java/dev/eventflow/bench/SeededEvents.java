package dev.eventflow.bench;

import dev.eventflow.common.generator.UserEventGenerator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * The one seeded data set every benchmark uses: {@link UserEventGenerator} with seed 99, 5,000
 * users, 20 ms of event time per event (so 300,000 events span 100 minutes of event time), up to 1
 * minute of disorder, 1% of events 15 minutes late (behind the 10-minute watermark delay) and 0.4%
 * malformed records, both time formats. Same seed, same bytes: the in-memory variants generate it
 * inside the Flink source, the Kafka variants read the same sequence pre-produced to a topic.
 */
public final class SeededEvents {

    public static final long SEED = 99;
    public static final int USERS = 5_000;

    /** Event time of the first event. */
    public static final long START = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    /** Event-time advance per generated event. */
    public static final long STEP_MS = 20;

    public static final long MAX_DISORDER_MS = 60_000;
    public static final long LATE_BY_MS = 900_000;
    public static final double LATE_SHARE = 0.01;
    public static final double MALFORMED_SHARE = 0.004;

    private SeededEvents() {}

    /** A fresh generator at the start of the sequence. */
    public static UserEventGenerator generator() {
        return new UserEventGenerator(
                SEED,
                USERS,
                START,
                STEP_MS,
                MAX_DISORDER_MS,
                LATE_BY_MS,
                LATE_SHARE,
                MALFORMED_SHARE);
    }

    /** The first {@code n} records, as UTF-8 JSON (for the micro-benchmarks). */
    public static byte[][] records(int n) {
        UserEventGenerator g = generator();
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) out[i] = g.next().json.getBytes(StandardCharsets.UTF_8);
        return out;
    }

    /**
     * The sequence generated inside a Flink {@code DataGeneratorSource} (one subtask: the generator
     * is sequential, so the source runs at parallelism 1).
     */
    public static final class Function implements GeneratorFunction<Long, byte[]> {
        private static final long serialVersionUID = 1L;
        private transient UserEventGenerator generator;

        @Override
        public void open(SourceReaderContext readerContext) {
            generator = generator();
        }

        @Override
        public byte[] map(Long index) {
            return generator.next().json.getBytes(StandardCharsets.UTF_8);
        }
    }
}
