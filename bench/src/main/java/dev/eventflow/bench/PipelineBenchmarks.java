package dev.eventflow.bench;

import dev.eventflow.bench.kafka.BrokerProcess;
import dev.eventflow.bench.pipeline.KafkaHarness;
import dev.eventflow.bench.pipeline.MarginalCost;
import dev.eventflow.bench.pipeline.MemoryHarness;
import dev.eventflow.bench.pipeline.VisibilityLatency;
import dev.eventflow.bench.profile.Profiler;
import dev.eventflow.bench.report.Report;
import dev.eventflow.common.config.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The pipeline benchmark: every variant on the same seeded data ({@link SeededEvents}), as marginal
 * CPU per event ({@link MarginalCost}), then the production job's visibility latency ({@link
 * VisibilityLatency}), written to a JSON report ({@link Report}). Started by {@code bench/run}.
 *
 * <pre>
 * PipelineBenchmarks [--quick] [--events N] [--memory-events N] [--sets K]
 *                    [--only NAME,NAME] [--latency-seconds S]
 *                    [--out bench/results/latest.json] [--work DIR]
 * PipelineBenchmarks --profile NAME --profile-out FILE.jfr [--events N]
 * </pre>
 *
 * <p>Variants: {@code floor-memory}, {@code naive-sliding}, {@code naive-sliding-rocksdb-memory},
 * {@code production-heap-memory}, {@code production-rocksdb-memory}, {@code dedup-heap-memory},
 * {@code running-counts-heap-memory}, {@code late-audit-heap-memory} (in-memory harness, {@link
 * MemoryHarness}); {@code floor-kafka}, {@code production-heap}, {@code production-rocksdb}, {@code
 * sql-hop} (Kafka to Kafka, {@link KafkaHarness}, the broker in a JVM of its own). The quick mode
 * leaves out the variants in {@link #FULL_RUN_ONLY}.
 */
public final class PipelineBenchmarks {

    /** The paced producer's rate in the latency measurement. */
    static final int LATENCY_EVENTS_PER_SECOND = 20_000;

    /** The jobs' checkpoint interval in the Kafka harness and the latency run. */
    static final long CHECKPOINT_INTERVAL_MS =
            Durations.parse(KafkaHarness.CHECKPOINT_INTERVAL).toMillis();

    private PipelineBenchmarks() {}

    public static void main(String[] args) throws Exception {
        Settings s = Settings.parse(args);
        Files.createDirectories(s.work);
        // Flink and Kafka client threads are not all daemons: end the JVM either way.
        try {
            if (s.profileVariant != null) {
                profile(s);
            } else {
                measure(s);
            }
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void measure(Settings s) throws Exception {
        log(
                "eventflow pipeline benchmark (%s): n = %,d events (in memory: %,d), %d set(s) of runs,"
                        + " %d cores, Java %s",
                s.mode(),
                s.events,
                s.memoryEvents,
                s.sets,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        Report report = new Report(s.mode(), s.events, s.memoryEvents, s.sets);
        MarginalCost inMemory = new MarginalCost(s.sets, null);
        boolean warm = false;
        for (MemoryHarness.Variant v : MemoryHarness.Variant.values()) {
            if (!s.selected(v.label)) continue;
            MarginalCost.Result r =
                    inMemory.measure(
                            s.memoryEvents, n -> MemoryHarness.run(v, n), !(s.quick && warm));
            warm = true;
            report.variant(v.label, "memory", stateBackend(v.label), r);
            logResult(v.label, r);
        }
        boolean anyKafka =
                Arrays.stream(KafkaHarness.Variant.values()).anyMatch(v -> s.selected(v.label))
                        || s.latencySeconds > 0;
        if (anyKafka) {
            try (BrokerProcess broker = BrokerProcess.start(s.work)) {
                log(
                        "Kafka broker (own JVM, pid %d) at %s",
                        broker.handle().pid(), broker.bootstrapServers());
                KafkaHarness kafka = new KafkaHarness(broker, s.work.resolve("checkpoints"));
                MarginalCost withBroker = new MarginalCost(s.sets, broker.handle());
                warm = false;
                for (KafkaHarness.Variant v : KafkaHarness.Variant.values()) {
                    if (!s.selected(v.label)) continue;
                    kafka.prepare(MarginalCost.warmUpEvents(s.events), s.events, 2 * s.events);
                    kafka.createOutputTopics(v);
                    MarginalCost.Result r =
                            withBroker.measure(
                                    s.events,
                                    n -> kafka.run(v, n),
                                    !(s.quick && warm) || v.ownWarmUp);
                    warm = true;
                    report.variant(v.label, "kafka", stateBackend(v.label), r);
                    logResult(v.label, r);
                }
                if (s.latencySeconds > 0) {
                    VisibilityLatency.Result l =
                            new VisibilityLatency(broker, s.work.resolve("checkpoints"))
                                    .measure(
                                            LATENCY_EVENTS_PER_SECOND,
                                            Duration.ofSeconds(s.latencySeconds),
                                            Duration.ofSeconds(Math.max(5, s.latencySeconds / 4)));
                    report.latency(l, CHECKPOINT_INTERVAL_MS);
                    log(
                            "latency (production-rocksdb, %,d events/s, read_committed): p50 %.0f ms,"
                                    + " p99 %.0f ms, max %.0f ms over %,d rows of %,d window ends",
                            LATENCY_EVENTS_PER_SECOND,
                            l.p50Ms(),
                            l.p99Ms(),
                            l.maxMs(),
                            l.rows(),
                            l.windowEnds());
                }
            }
        }
        report.write(s.out, CHECKPOINT_INTERVAL_MS);
        log("wrote %s", s.out);
    }

    /**
     * One warm-up run of the variant over n events, then a JFR recording of a run over 2n events,
     * dumped to the given file.
     */
    private static void profile(Settings s) throws Exception {
        String name = s.profileVariant;
        for (MemoryHarness.Variant v : MemoryHarness.Variant.values()) {
            if (v.label.equals(name)) {
                MemoryHarness.run(v, s.memoryEvents);
                Profiler.record(s.profileOut, () -> MemoryHarness.run(v, 2 * s.memoryEvents));
                return;
            }
        }
        for (KafkaHarness.Variant v : KafkaHarness.Variant.values()) {
            if (v.label.equals(name)) {
                try (BrokerProcess broker = BrokerProcess.start(s.work)) {
                    KafkaHarness kafka = new KafkaHarness(broker, s.work.resolve("checkpoints"));
                    kafka.prepare(s.events, 2 * s.events);
                    kafka.createOutputTopics(v);
                    kafka.run(v, s.events);
                    Profiler.record(s.profileOut, () -> kafka.run(v, 2 * s.events));
                }
                return;
            }
        }
        throw new IllegalArgumentException("no variant named " + name);
    }

    private static String stateBackend(String label) {
        if (label.startsWith("floor")) return "none";
        return label.contains("rocksdb") || label.equals("sql-hop") ? "rocksdb" : "hashmap";
    }

    private static void logResult(String label, MarginalCost.Result r) {
        log(
                "%-30s %8.2f us/event %,10.0f events/s/core%s",
                label,
                r.nanosPerEvent() / 1000,
                1e9 / r.nanosPerEvent(),
                Double.isNaN(r.brokerNanosPerEvent())
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                "  (broker process: %.2f us/event)",
                                r.brokerNanosPerEvent() / 1000));
    }

    static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[bench] " + format + "%n", args);
        System.out.flush();
    }

    /**
     * Variants only the full run measures: the RocksDB pair on the in-memory harness (the
     * like-for-like partners for "production-rocksdb vs naive-sliding", about a minute and a half
     * on 2 cores) and the other jobs' topologies.
     */
    static final List<String> FULL_RUN_ONLY =
            List.of(
                    "naive-sliding-rocksdb-memory",
                    "production-rocksdb-memory",
                    "dedup-heap-memory",
                    "running-counts-heap-memory",
                    "late-audit-heap-memory");

    /** Command-line settings. */
    static final class Settings {
        boolean quick;
        long events = -1;
        long memoryEvents = -1;
        int sets = -1;
        int latencySeconds = -1;
        List<String> only = new ArrayList<>();
        Path out = Path.of("bench/results/latest.json");
        Path work = Path.of("bench/target/bench-work");
        String profileVariant;
        Path profileOut = Path.of("bench/target/profile.jfr");

        static Settings parse(String[] args) {
            Settings s = new Settings();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--quick" -> s.quick = true;
                    case "--events" -> s.events = Long.parseLong(args[++i]);
                    case "--memory-events" -> s.memoryEvents = Long.parseLong(args[++i]);
                    case "--sets" -> s.sets = Integer.parseInt(args[++i]);
                    case "--latency-seconds" -> s.latencySeconds = Integer.parseInt(args[++i]);
                    case "--only" -> s.only.addAll(Arrays.asList(args[++i].split(",")));
                    case "--out" -> s.out = Path.of(args[++i]);
                    case "--work" -> s.work = Path.of(args[++i]);
                    case "--profile" -> s.profileVariant = args[++i];
                    case "--profile-out" -> s.profileOut = Path.of(args[++i]);
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            for (String name : s.only) {
                if (names().noneMatch(name::equals)) {
                    throw new IllegalArgumentException("no variant named " + name);
                }
            }
            if (s.events < 0) s.events = s.quick ? 100_000 : 300_000;
            // in-memory runs are cheap and short: more events lift their difference above the
            // run-to-run noise of a MiniCluster's start-up
            if (s.memoryEvents < 0) s.memoryEvents = Math.max(s.events, 200_000);
            if (s.sets < 0) s.sets = s.quick ? 1 : 2;
            if (s.latencySeconds < 0) {
                s.latencySeconds = !s.only.isEmpty() ? 0 : s.quick ? 20 : 120;
            }
            return s;
        }

        boolean selected(String label) {
            if (!only.isEmpty()) return only.contains(label);
            return !quick || !FULL_RUN_ONLY.contains(label);
        }

        String mode() {
            return quick ? "quick" : "full";
        }

        static Stream<String> names() {
            return Stream.concat(
                    Arrays.stream(MemoryHarness.Variant.values()).map(v -> v.label),
                    Arrays.stream(KafkaHarness.Variant.values()).map(v -> v.label));
        }
    }
}
