package dev.eventflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventflow.common.event.DeadLetter;
import dev.eventflow.common.event.DeadLetterRouter;
import dev.eventflow.common.event.MalformedEventException;
import dev.eventflow.common.event.ParsedRecord;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.event.UserEventParser;
import dev.eventflow.common.generator.UserEventGenerator;
import dev.eventflow.common.time.EventTimeWatermarks;
import dev.eventflow.jobs.dedup.DedupJob;
import dev.eventflow.jobs.joins.AdClick;
import dev.eventflow.jobs.joins.AdEventParser;
import dev.eventflow.jobs.joins.AdImpression;
import dev.eventflow.jobs.joins.JoinInputSplitter;
import dev.eventflow.jobs.joins.JoinMode;
import dev.eventflow.jobs.joins.JoinsJob;
import dev.eventflow.jobs.joins.ParsedJoinRecord;
import dev.eventflow.jobs.lateaudit.AuditSpec;
import dev.eventflow.jobs.lateaudit.LateAuditJob;
import dev.eventflow.jobs.lateaudit.LateSampler;
import dev.eventflow.jobs.runningcounts.RunningCountFunction;
import dev.eventflow.jobs.runningcounts.RunningCountsJob;
import dev.eventflow.jobs.runningcounts.TimeoutMode;
import dev.eventflow.jobs.windowagg.WindowAggregationJob;
import dev.eventflow.jobs.windowstats.WindowResult;
import dev.eventflow.jobs.windowstats.WindowSpec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * On-demand benchmarks (never in CI). Every number is a ratio against a baseline run in the same
 * process, on the same seeded data, so the machine's speed cancels out:
 *
 * <ol>
 *   <li>Parsing, single thread, CPU time per event: a floor that only reads the bytes, the
 *       "straightforward" parser (Jackson tree model + java.time), and ours (Jackson streaming).
 *       p50/p99 per-event parse latency.
 *   <li>Pipeline on a MiniCluster at parallelism 1, marginal process CPU time per event (a 2n-event
 *       run minus an n-event run, so start-up and teardown cancel out): the floor job (generate +
 *       parse + discard) vs each DataStream job's topology, built by the job's own define* method
 *       on the same seeded data with discarding sinks: window-aggregation (heap, RocksDB, RocksDB
 *       with heap timers), dedup (heap, RocksDB), running-counts (event-time timeout), late-audit,
 *       joins in interval mode (generated impressions + clicks).
 *   <li>window-aggregation end-to-end latency: a rate-limited source plays the seeded stream at a
 *       fixed rate; p50/p99 of (window result reaches the sink - the event that closed its window
 *       was produced).
 * </ol>
 *
 * Run: {@code mvn -B -q install -DskipTests && mvn -B -q -pl bench exec:exec}.
 */
public final class Benchmarks {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long START = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    private Benchmarks() {}

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
        System.out.printf(
                "eventflow benchmarks: %,d seeded events, Java %s, %d cores%n%n",
                events,
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        byte[][] data = generate(events);

        // ---- 1. parsing ----
        UserEventParser parser = new UserEventParser(Duration.ofDays(36500).toMillis());
        ObjectMapper mapper = new ObjectMapper();
        double floor =
                cpuNanosPerEvent(
                        data,
                        b -> {
                            long h = 0;
                            for (byte x : b) h = 31 * h + x;
                            return h;
                        });
        double tree = cpuNanosPerEvent(data, b -> treeParse(mapper, b));
        double streaming =
                cpuNanosPerEvent(
                        data,
                        b -> {
                            try {
                                return parser.parse(b).eventTime;
                            } catch (MalformedEventException e) {
                                return 0;
                            }
                        });
        long[] latency = latencies(parser, data);
        System.out.println(
                "1. Parsing one event (single thread, CPU time; median of 5 rounds after 3 warm-up rounds)");
        System.out.printf(
                "   %-44s %8.2f us/event %12s events/s/core%n",
                "floor: read the bytes only", floor / 1000, fmt(1e9 / floor));
        System.out.printf(
                "   %-44s %8.2f us/event %12s events/s/core  (baseline)%n",
                "straightforward: Jackson tree + java.time", tree / 1000, fmt(1e9 / tree));
        System.out.printf(
                "   %-44s %8.2f us/event %12s events/s/core  %.1fx the baseline's throughput%n",
                "eventflow: UserEventParser (streaming)",
                streaming / 1000,
                fmt(1e9 / streaming),
                tree / streaming);
        System.out.printf(
                "   eventflow parse latency per event: p50 %.2f us, p99 %.2f us%n%n",
                latency[0] / 1000.0, latency[1] / 1000.0);

        // ---- 2. pipeline ----
        System.out.println(
                "2. Pipeline on a MiniCluster, parallelism 1 (marginal process CPU time per event: a 2n-event run minus an n-event run; includes the generator source)");
        double floorJob = pipeline(events, Job.FLOOR, "hashmap");
        System.out.printf(
                "   %-50s %8.2f us/event %12s events/s/core  (baseline)%n",
                "floor: generate + parse + discard", floorJob / 1000, fmt(1e9 / floorJob));
        String[][] runs = {
            {"WINDOW_AGGREGATION", "hashmap"},
            {"WINDOW_AGGREGATION", "rocksdb"},
            {"WINDOW_AGGREGATION", "rocksdb-heap-timers"},
            {"DEDUP", "hashmap"},
            {"DEDUP", "rocksdb"},
            {"RUNNING_COUNTS", "hashmap"},
            {"LATE_AUDIT", "hashmap"},
            {"JOINS_INTERVAL", "hashmap"},
        };
        for (String[] run : runs) {
            Job job = Job.valueOf(run[0]);
            double cost = pipeline(events, job, run[1]);
            System.out.printf(
                    "   %-50s %8.2f us/event %12s events/s/core  %.2fx the floor's cost%n",
                    job.label + ", " + BACKENDS.get(run[1]),
                    cost / 1000,
                    fmt(1e9 / cost),
                    cost / floorJob);
        }

        // ---- 3. end-to-end latency ----
        System.out.println();
        System.out.printf(
                "3. window-aggregation end-to-end latency, heap state, paced source at %,d events/s"
                        + " (%d s of event time per wall second), %d s%n",
                LATENCY_RATE, LATENCY_RATE * STEP_MS / 1000, LATENCY_SECONDS);
        long[] e2e = endToEndLatency();
        System.out.printf(
                "   window result emitted - closing event produced: p50 %d ms, p99 %d ms, max %d ms"
                        + " (%,d results of %d window ends)%n",
                e2e[0], e2e[1], e2e[2], e2e[3], e2e[4]);
        System.exit(0);
    }

    private static String fmt(double v) {
        return String.format("%,.0f", v);
    }

    private static byte[][] generate(int n) {
        UserEventGenerator g =
                new UserEventGenerator(99, 5_000, START, 20, 60_000, 900_000, 0.01, 0.004);
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) out[i] = g.next().json.getBytes(StandardCharsets.UTF_8);
        return out;
    }

    private static long treeParse(ObjectMapper mapper, byte[] b) {
        try {
            JsonNode n = mapper.readTree(b);
            JsonNode t = n.get("event_time");
            long time = t.isNumber() ? t.asLong() : Instant.parse(t.asText()).toEpochMilli();
            UserEvent e =
                    new UserEvent(
                            n.get("event_id").asText(),
                            n.get("user_id").asText(),
                            n.get("session_id").asText(),
                            n.get("event_type").asText(),
                            time,
                            n.has("amount") ? n.get("amount").asDouble() : null);
            return e.eventTime;
        } catch (Exception e) {
            return 0;
        }
    }

    interface Work {
        long apply(byte[] b);
    }

    private static double cpuNanosPerEvent(byte[][] data, Work work) {
        double[] rounds = new double[5];
        long sink = 0;
        for (int r = 0; r < 8; r++) {
            long t0 = THREADS.getCurrentThreadCpuTime();
            for (byte[] b : data) sink += work.apply(b);
            long t1 = THREADS.getCurrentThreadCpuTime();
            if (r >= 3) rounds[r - 3] = (t1 - t0) / (double) data.length;
        }
        if (sink == 42) System.out.print(""); // keep the work observable
        Arrays.sort(rounds);
        return rounds[2];
    }

    private static long[] latencies(UserEventParser parser, byte[][] data) {
        long[] ns = new long[data.length];
        for (int r = 0; r < 2; r++) {
            for (int i = 0; i < data.length; i++) {
                long t0 = System.nanoTime();
                try {
                    parser.parse(data[i]);
                } catch (MalformedEventException ignored) {
                    // malformed records are part of the realistic mix
                }
                ns[i] = System.nanoTime() - t0;
            }
        }
        Arrays.sort(ns);
        return new long[] {ns[ns.length / 2], ns[(int) (ns.length * 0.99)]};
    }

    /** The topologies of the pipeline benchmark, each built by the job's own define* method. */
    enum Job {
        FLOOR("floor", 600_000),
        WINDOW_AGGREGATION("window-aggregation (5m/1m sliding, HLL)", 600_000),
        DEDUP("dedup (10m horizon)", 600_000),
        RUNNING_COUNTS("running-counts (event-time timeout 30m)", 600_000),
        LATE_AUDIT("late-audit (5m/30m tiers, 1m windows, 5% samples)", 1_800_000),
        JOINS_INTERVAL("joins interval (10m bound; impressions + clicks)", 600_000);

        final String label;

        /** Watermark delay (ms) the job runs with. */
        final long delayMs;

        Job(String label, long delayMs) {
            this.label = label;
            this.delayMs = delayMs;
        }
    }

    private static final Map<String, String> BACKENDS =
            Map.of(
                    "hashmap", "heap state",
                    "rocksdb", "RocksDB state",
                    "rocksdb-heap-timers", "RocksDB state, heap timers");

    private static StreamExecutionEnvironment environment(String backend) {
        Configuration conf = new Configuration();
        conf.setString("state.backend.type", backend.startsWith("rocksdb") ? "rocksdb" : backend);
        if (backend.equals("rocksdb-heap-timers")) {
            conf.setString("state.backend.rocksdb.timer-service.factory", "HEAP");
        }
        conf.setString("pipeline.generic-types", "false");
        return StreamExecutionEnvironment.createLocalEnvironment(1, conf);
    }

    /** generate + parse (+ dead letters), as every job's input stage does. */
    private static DataStream<ParsedRecord> parsedEvents(
            StreamExecutionEnvironment env, DataGeneratorSource<byte[]> source) {
        DataStream<byte[]> raw =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "generator");
        UserEventParser parser = new UserEventParser(Duration.ofDays(36500).toMillis());
        return raw.map(
                b -> {
                    try {
                        return ParsedRecord.ofEvent(parser.parse(b));
                    } catch (MalformedEventException e) {
                        return ParsedRecord.ofDeadLetter(
                                new DeadLetter(e.getMessage(), "t", 0, 0, 0, null, b));
                    }
                },
                TypeInformation.of(ParsedRecord.class));
    }

    private static DataStream<UserEvent> withEventTime(
            DataStream<ParsedRecord> parsed, long delayMs) {
        return parsed.assignTimestampsAndWatermarks(
                        EventTimeWatermarks.forParsedRecords(
                                Duration.ofMillis(delayMs), Duration.ZERO))
                .process(new DeadLetterRouter());
    }

    /**
     * Marginal process CPU nanoseconds per event of a bounded run: CPU(2n events) - CPU(n events),
     * divided by n, after a warm-up run of the same job; the smaller of two such pairs.
     */
    private static double pipeline(int events, Job job, String backend) throws Exception {
        // runs of n (warm-up), then twice n and 2n events: the difference of a pair is the CPU of
        // n events without the MiniCluster's start-up and teardown; the smaller pair is kept
        // (interference on the machine only ever adds)
        long[] sizes = {events, events, 2L * events, events, 2L * events};
        long[] cpu = new long[sizes.length];
        for (int run = 0; run < sizes.length; run++) {
            long n = sizes[run];
            StreamExecutionEnvironment env = environment(backend);
            if (job == Job.JOINS_INTERVAL) {
                defineJoins(env, n);
            } else {
                DataStream<ParsedRecord> parsed =
                        parsedEvents(
                                env,
                                new DataGeneratorSource<>(
                                        new Generated(), n, TypeInformation.of(byte[].class)));
                switch (job) {
                    case FLOOR:
                        parsed.filter(r -> r.event != null).sinkTo(new DiscardingSink<>());
                        break;
                    case WINDOW_AGGREGATION:
                        WindowAggregationJob.Outputs out =
                                WindowAggregationJob.defineWorkflow(
                                        withEventTime(parsed, job.delayMs),
                                        new WindowSpec(300_000, 60_000, 12));
                        out.results.sinkTo(new DiscardingSink<>());
                        out.late.sinkTo(new DiscardingSink<>());
                        break;
                    case DEDUP:
                        DedupJob.defineWorkflow(
                                        withEventTime(parsed, job.delayMs),
                                        Duration.ofMillis(job.delayMs))
                                .sinkTo(new DiscardingSink<>());
                        break;
                    case RUNNING_COUNTS:
                        RunningCountsJob.defineWorkflow(
                                        withEventTime(parsed, job.delayMs),
                                        new RunningCountFunction(
                                                TimeoutMode.EVENT_TIME,
                                                Duration.ofMinutes(30),
                                                Duration.ZERO))
                                .sinkTo(new DiscardingSink<>());
                        break;
                    case LATE_AUDIT:
                        LateAuditJob.Outputs audit =
                                LateAuditJob.defineWorkflow(
                                        withEventTime(parsed, job.delayMs),
                                        new AuditSpec(300_000, job.delayMs, 60_000, 12),
                                        new LateSampler(0.05));
                        audit.audit.sinkTo(new DiscardingSink<>());
                        audit.samples.sinkTo(new DiscardingSink<>());
                        break;
                    default:
                        throw new IllegalStateException(job.name());
                }
            }
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean)
                            ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime();
            env.execute(job.name() + "-" + backend);
            long cpu1 = os.getProcessCpuTime();
            cpu[run] = cpu1 - cpu0;
        }
        return Math.min(cpu[2] - cpu[1], cpu[4] - cpu[3]) / (double) events;
    }

    /**
     * joins, interval mode: {@code 2n/3} impressions and {@code n/3} clicks (half the impressions
     * clicked, within 5 minutes), as JSON parsed by the job's {@link AdEventParser}, split and
     * joined by {@link JoinsJob#defineJoin}.
     */
    private static void defineJoins(StreamExecutionEnvironment env, long events) {
        AdEventParser parser = new AdEventParser(Duration.ofDays(36500).toMillis());
        WatermarkStrategy<ParsedJoinRecord> watermarks =
                EventTimeWatermarks.forRecords(
                        Duration.ofMillis(Job.JOINS_INTERVAL.delayMs),
                        Duration.ZERO,
                        r -> r.isDeadLetter() ? EventTimeWatermarks.DEAD_LETTER : r.eventTime());
        long impressions = events * 2L / 3;
        DataStream<AdImpression> left =
                env.fromSource(
                                new DataGeneratorSource<>(
                                        Benchmarks::impressionJson,
                                        impressions,
                                        TypeInformation.of(byte[].class)),
                                WatermarkStrategy.noWatermarks(),
                                "impressions")
                        .map(
                                b -> {
                                    try {
                                        return ParsedJoinRecord.of(parser.parseImpression(b));
                                    } catch (MalformedEventException e) {
                                        return ParsedJoinRecord.of(
                                                new DeadLetter(
                                                        e.getMessage(), "t", 0, 0, 0, null, b));
                                    }
                                },
                                TypeInformation.of(ParsedJoinRecord.class))
                        .assignTimestampsAndWatermarks(watermarks)
                        .process(
                                JoinInputSplitter.impressions(),
                                TypeInformation.of(AdImpression.class));
        DataStream<AdClick> right =
                env.fromSource(
                                new DataGeneratorSource<>(
                                        Benchmarks::clickJson,
                                        events - impressions,
                                        TypeInformation.of(byte[].class)),
                                WatermarkStrategy.noWatermarks(),
                                "clicks")
                        .map(
                                b -> {
                                    try {
                                        return ParsedJoinRecord.of(parser.parseClick(b));
                                    } catch (MalformedEventException e) {
                                        return ParsedJoinRecord.of(
                                                new DeadLetter(
                                                        e.getMessage(), "t", 0, 0, 0, null, b));
                                    }
                                },
                                TypeInformation.of(ParsedJoinRecord.class))
                        .assignTimestampsAndWatermarks(watermarks)
                        .process(JoinInputSplitter.clicks(), TypeInformation.of(AdClick.class));
        JoinsJob.Outputs out = JoinsJob.defineJoin(left, right, JoinMode.INTERVAL, 600_000);
        out.joined.sinkTo(new DiscardingSink<>());
        out.late.sinkTo(new DiscardingSink<>());
    }

    /** Impression i: 20 ms of event time apart, shuffled back by up to a minute. */
    private static long impressionTime(long i) {
        return START + i * 20 - Math.floorMod(i * 7919, 60_000);
    }

    private static String time(long i, long t) {
        return (i & 1) == 0 ? "\"" + Instant.ofEpochMilli(t) + "\"" : Long.toString(t);
    }

    private static byte[] impressionJson(Long i) {
        return ("{\"impression_id\":\"imp-"
                        + i
                        + "\",\"user_id\":\"user-"
                        + Math.floorMod(i * 31, 5_000)
                        + "\",\"ad_id\":\"ad-"
                        + (i % 50)
                        + "\",\"event_time\":"
                        + time(i, impressionTime(i))
                        + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Click k clicks impression 2k, up to 5 minutes after it. */
    private static byte[] clickJson(Long k) {
        long i = 2 * k;
        return ("{\"click_id\":\"clk-"
                        + k
                        + "\",\"impression_id\":\"imp-"
                        + i
                        + "\",\"user_id\":\"user-"
                        + Math.floorMod(i * 31, 5_000)
                        + "\",\"event_time\":"
                        + time(k, impressionTime(i) + Math.floorMod(k * 104_729, 300_000))
                        + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    // ---- end-to-end latency ----

    static final int LATENCY_RATE = 20_000;
    static final long STEP_MS = 20;
    static final int LATENCY_SECONDS = 30;
    static final long LATENCY_DELAY_MS = 600_000;

    /**
     * Event-time minute boundary -> System.nanoTime() when the generator produced the first event
     * at or past it (the MiniCluster runs in this JVM, so source and sink share this map).
     */
    static final ConcurrentHashMap<Long, Long> CROSSINGS = new ConcurrentHashMap<>();

    /** Latencies (ns) of the window results, as the sink saw them. */
    static final ConcurrentLinkedQueue<long[]> LATENCIES = new ConcurrentLinkedQueue<>();

    /**
     * p50, p99, max (ms), results, window ends. A rate-limited source plays the seeded stream at
     * {@link #LATENCY_RATE} events/s, so event time advances in step with the wall clock; a window
     * [s, e) is emitted when the watermark (max event time - delay - 1) reaches e - 1, i.e. by the
     * first event at or past e + delay. The sink records now - the wall time that event was
     * produced. The first third of the run is warm-up and not counted.
     */
    private static long[] endToEndLatency() throws Exception {
        CROSSINGS.clear();
        LATENCIES.clear();
        StreamExecutionEnvironment env = environment("hashmap");
        long n = (long) LATENCY_RATE * LATENCY_SECONDS;
        DataStream<ParsedRecord> parsed =
                parsedEvents(
                        env,
                        new DataGeneratorSource<>(
                                new Stamped(),
                                n,
                                RateLimiterStrategy.perSecond(LATENCY_RATE),
                                TypeInformation.of(byte[].class)));
        WindowAggregationJob.defineWorkflow(
                        withEventTime(parsed, LATENCY_DELAY_MS),
                        new WindowSpec(300_000, 60_000, 12))
                .results
                .sinkTo(new LatencySink());
        env.execute("window-aggregation-latency");
        long warmEnd = START + n * STEP_MS / 3;
        long[] ns =
                LATENCIES.stream()
                        .filter(l -> l[0] >= warmEnd)
                        .mapToLong(l -> l[1])
                        .sorted()
                        .toArray();
        long windows =
                LATENCIES.stream()
                        .filter(l -> l[0] >= warmEnd)
                        .mapToLong(l -> l[0])
                        .distinct()
                        .count();
        if (ns.length == 0) return new long[5];
        return new long[] {
            ns[ns.length / 2] / 1_000_000,
            ns[(int) (ns.length * 0.99)] / 1_000_000,
            ns[ns.length - 1] / 1_000_000,
            ns.length,
            windows
        };
    }

    /** The seeded stream, recording when the event clock crosses each minute of event time. */
    static final class Stamped implements GeneratorFunction<Long, byte[]> {
        private static final long serialVersionUID = 1L;
        private transient UserEventGenerator generator;
        private transient long maxTime;

        @Override
        public void open(SourceReaderContext readerContext) {
            generator =
                    new UserEventGenerator(99, 5_000, START, STEP_MS, 60_000, 900_000, 0.01, 0.004);
            maxTime = Long.MIN_VALUE;
        }

        @Override
        public byte[] map(Long index) {
            UserEventGenerator.Generated g = generator.next();
            if (g.eventTime > maxTime) {
                long minute = Math.floorDiv(g.eventTime, 60_000L) * 60_000L;
                if (maxTime < minute) CROSSINGS.putIfAbsent(minute, System.nanoTime());
                maxTime = g.eventTime;
            }
            return g.json.getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Records, per window result, now - when the event that closed its window was produced. */
    static final class LatencySink implements Sink<WindowResult> {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<WindowResult> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(WindowResult r, Context context) {
                    long now = System.nanoTime();
                    Long closed = CROSSINGS.get(r.windowEnd + LATENCY_DELAY_MS);
                    // null: closed by the end of input, not by an event
                    if (closed != null) LATENCIES.add(new long[] {r.windowEnd, now - closed});
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }

    /** Seeded, sequential generation inside the source (one subtask). */
    static final class Generated implements GeneratorFunction<Long, byte[]> {
        private static final long serialVersionUID = 1L;
        private transient UserEventGenerator generator;

        @Override
        public void open(SourceReaderContext readerContext) {
            generator = new UserEventGenerator(99, 5_000, START, 20, 60_000, 900_000, 0.01, 0.004);
        }

        @Override
        public byte[] map(Long index) {
            return generator.next().json.getBytes(StandardCharsets.UTF_8);
        }
    }
}
