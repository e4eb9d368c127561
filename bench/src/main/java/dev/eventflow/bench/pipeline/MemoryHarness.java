package dev.eventflow.bench.pipeline;

import dev.eventflow.bench.SeededEvents;
import dev.eventflow.common.event.DeadLetter;
import dev.eventflow.common.event.DeadLetterRouter;
import dev.eventflow.common.event.MalformedEventException;
import dev.eventflow.common.event.ParsedRecord;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.event.UserEventParser;
import dev.eventflow.common.time.EventTimeWatermarks;
import dev.eventflow.jobs.dedup.DedupJob;
import dev.eventflow.jobs.lateaudit.AuditSpec;
import dev.eventflow.jobs.lateaudit.LateAuditJob;
import dev.eventflow.jobs.lateaudit.LateSampler;
import dev.eventflow.jobs.runningcounts.RunningCountFunction;
import dev.eventflow.jobs.runningcounts.RunningCountsJob;
import dev.eventflow.jobs.runningcounts.TimeoutMode;
import dev.eventflow.jobs.windowagg.NaiveWindowTopology;
import dev.eventflow.jobs.windowagg.WindowAggregationJob;
import dev.eventflow.jobs.windowstats.WindowSpec;
import java.time.Duration;
import java.util.function.BiFunction;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The in-memory harness: a Flink MiniCluster at parallelism 1, fed by a {@code DataGeneratorSource}
 * that generates the seeded sequence inside the job, parsed by {@link UserEventParser} and
 * watermarked as in production (10-minute delay, dead letters split off), into a topology whose
 * outputs go to discarding sinks. No Kafka, no checkpoints: what is left is the cost of the
 * topology itself, so variants on this harness compare like for like with each other, and {@code
 * floor-memory} is the least any pipeline of this shape can cost. Besides window-aggregation's
 * production and naive topologies, the full run measures dedup (10-minute horizon; every event_id
 * is new in this data, its worst case for state), running-counts (event-time timeout 30 minutes)
 * and late-audit (5m/30m tiers, 1-minute windows, 5% samples, on its 30-minute watermark), each
 * built by the job's own {@code defineWorkflow}.
 */
public final class MemoryHarness {

    /** The window shape the job runs by default: 5 minutes sliding by 1, HLL lgK 12. */
    public static final WindowSpec SPEC = new WindowSpec(300_000, 60_000, 12);

    /** The jobs' default watermark delay. */
    public static final Duration WATERMARK_DELAY = Duration.ofMinutes(10);

    /** What follows the parsed, watermarked events: a job's topology into discarding sinks. */
    @FunctionalInterface
    interface Topology {
        void define(DataStream<UserEvent> events);
    }

    /** A variant on this harness: a state backend, a watermark delay and a topology. */
    public enum Variant {
        /** Generate + parse + discard: the floor. */
        FLOOR_MEMORY("floor-memory", "hashmap", WATERMARK_DELAY, null),
        /** Flink's SlidingEventTimeWindows + the aggregate (NaiveWindowTopology), heap state. */
        NAIVE_SLIDING(
                "naive-sliding",
                "hashmap",
                WATERMARK_DELAY,
                windows(NaiveWindowTopology::defineWorkflow)),
        /** The naive reference on RocksDB: the like-for-like partner of the RocksDB production. */
        NAIVE_SLIDING_ROCKSDB_MEMORY(
                "naive-sliding-rocksdb-memory",
                "rocksdb",
                WATERMARK_DELAY,
                windows(NaiveWindowTopology::defineWorkflow)),
        /** The production topology (WindowAggregationJob.defineWorkflow), heap state. */
        PRODUCTION_HEAP_MEMORY(
                "production-heap-memory",
                "hashmap",
                WATERMARK_DELAY,
                windows(WindowAggregationJob::defineWorkflow)),
        /** The production topology, RocksDB state. */
        PRODUCTION_ROCKSDB_MEMORY(
                "production-rocksdb-memory",
                "rocksdb",
                WATERMARK_DELAY,
                windows(WindowAggregationJob::defineWorkflow)),
        /** The other jobs' topologies, for comparison with the floor (full run only). */
        DEDUP_HEAP_MEMORY(
                "dedup-heap-memory",
                "hashmap",
                WATERMARK_DELAY,
                events ->
                        DedupJob.defineWorkflow(events, WATERMARK_DELAY)
                                .sinkTo(new DiscardingSink<>())),
        RUNNING_COUNTS_HEAP_MEMORY(
                "running-counts-heap-memory",
                "hashmap",
                WATERMARK_DELAY,
                events ->
                        RunningCountsJob.defineWorkflow(
                                        events,
                                        new RunningCountFunction(
                                                TimeoutMode.EVENT_TIME,
                                                Duration.ofMinutes(30),
                                                Duration.ZERO))
                                .sinkTo(new DiscardingSink<>())),
        LATE_AUDIT_HEAP_MEMORY(
                "late-audit-heap-memory",
                "hashmap",
                Duration.ofMinutes(30),
                events -> {
                    LateAuditJob.Outputs out =
                            LateAuditJob.defineWorkflow(
                                    events,
                                    new AuditSpec(300_000, 1_800_000, 60_000, 12),
                                    new LateSampler(0.05));
                    out.audit().sinkTo(new DiscardingSink<>());
                    out.samples().sinkTo(new DiscardingSink<>());
                });

        public final String label;
        final String stateBackend;
        final Duration watermarkDelay;
        final Topology topology;

        Variant(String label, String stateBackend, Duration watermarkDelay, Topology topology) {
            this.label = label;
            this.stateBackend = stateBackend;
            this.watermarkDelay = watermarkDelay;
            this.topology = topology;
        }
    }

    /** A window-aggregation topology (production or naive) with both outputs discarded. */
    private static Topology windows(
            BiFunction<DataStream<UserEvent>, WindowSpec, WindowAggregationJob.Outputs> define) {
        return events -> {
            WindowAggregationJob.Outputs out = define.apply(events, SPEC);
            out.results().sinkTo(new DiscardingSink<>());
            out.late().sinkTo(new DiscardingSink<>());
        };
    }

    private MemoryHarness() {}

    /** One bounded run of {@code variant} over the first {@code events} seeded events. */
    public static void run(Variant variant, long events) throws Exception {
        Configuration conf = new Configuration();
        conf.setString("state.backend.type", variant.stateBackend);
        conf.setString("pipeline.generic-types", "false");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        DataStream<ParsedRecord> parsed = parsed(env, events);
        if (variant.topology == null) {
            parsed.filter(r -> r.event != null).sinkTo(new DiscardingSink<>());
        } else {
            variant.topology.define(
                    parsed.assignTimestampsAndWatermarks(
                                    EventTimeWatermarks.forParsedRecords(
                                            variant.watermarkDelay, Duration.ZERO))
                            .process(new DeadLetterRouter()));
        }
        env.execute(variant.label);
    }

    /** Generate + parse, malformed records becoming dead letters as in every job's input stage. */
    private static DataStream<ParsedRecord> parsed(StreamExecutionEnvironment env, long events) {
        DataStream<byte[]> raw =
                env.fromSource(
                        new DataGeneratorSource<>(
                                new SeededEvents.Function(),
                                events,
                                TypeInformation.of(byte[].class)),
                        WatermarkStrategy.noWatermarks(),
                        "seeded events");
        UserEventParser parser = new UserEventParser(Duration.ofDays(36500).toMillis());
        return raw.map(
                b -> {
                    try {
                        return ParsedRecord.ofEvent(parser.parse(b));
                    } catch (MalformedEventException e) {
                        return ParsedRecord.ofDeadLetter(
                                new DeadLetter(e.getMessage(), "memory", 0, 0, 0, null, b));
                    }
                },
                TypeInformation.of(ParsedRecord.class));
    }
}
