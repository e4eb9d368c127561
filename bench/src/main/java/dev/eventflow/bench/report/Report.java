package dev.eventflow.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventflow.bench.pipeline.MarginalCost;
import dev.eventflow.bench.pipeline.VisibilityLatency;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * {@code bench/results/latest.json}: {@code {"machine": {...}, "method": {...}, "variants": {NAME:
 * {"events", "us_per_event", "events_per_s_per_core", ...}}, "latency_ms": {"p50", "p99", ...},
 * "targets": {...}}}. Written with Jackson; read back by {@link ReadmeRenderer}.
 */
public final class Report {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ObjectNode root = JsonNodeFactory.instance.objectNode();
    private final ObjectNode variants;

    public Report(String mode, long events, long memoryEvents, int sets) {
        ObjectNode machine = root.putObject("machine");
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("java_version", System.getProperty("java.version"));
        machine.put("java_vm", System.getProperty("java.vm.name"));
        machine.put(
                "os",
                System.getProperty("os.name")
                        + " "
                        + System.getProperty("os.version")
                        + " "
                        + System.getProperty("os.arch"));
        machine.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        machine.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        ObjectNode method = root.putObject("method");
        method.put("mode", mode);
        method.put("events_per_run_n", events);
        method.put("events_per_run_n_in_memory", memoryEvents);
        method.put("sets", sets);
        method.put(
                "cost",
                "marginal CPU per event of the benchmark JVM (all threads: Flink, Kafka clients,"
                        + " GC) without its JIT compiler threads (us_per_event_with_jit includes"
                        + " them): (CPU of a run over 2n events - CPU of a run over n) / n, after a"
                        + " warm-up run (quick mode: only before the first variant of each harness and"
                        + " before sql-hop),"
                        + " from balanced sets of runs n, 2n, 2n, n (the smaller"
                        + " estimate of the sets); the Kafka broker runs in its own JVM and its CPU"
                        + " is reported apart as broker_us_per_event");
        method.put(
                "memory_harness",
                "MiniCluster, parallelism 1, seeded generator source inside the job, parse,"
                        + " watermarks, discarding sinks, no checkpoints");
        method.put(
                "kafka_harness",
                "the job's own command-line options and environment (java -jar), parallelism 2,"
                        + " 2-partition topics pre-filled with the same seeded records, --bounded,"
                        + " exactly-once, 10 s checkpoints to a file directory");
        variants = root.putObject("variants");
    }

    /** Adds one measured variant. */
    public void variant(String name, String harness, String stateBackend, MarginalCost.Result r) {
        ObjectNode v = variants.putObject(name);
        double us = r.nanosPerEvent() / 1000.0;
        v.put("events", r.events());
        v.put("us_per_event", round(us, 3));
        v.put("events_per_s_per_core", Math.round(1e6 / us));
        v.put("harness", harness);
        v.put("state_backend", stateBackend);
        v.put("us_per_event_with_jit", round(r.withJitNanosPerEvent() / 1000.0, 3));
        if (!Double.isNaN(r.brokerNanosPerEvent())) {
            v.put("broker_us_per_event", round(r.brokerNanosPerEvent() / 1000.0, 3));
        }
    }

    public void latency(VisibilityLatency.Result r, long checkpointIntervalMs) {
        ObjectNode l = root.putObject("latency_ms");
        l.put("p50", round(r.p50Ms(), 1));
        l.put("p99", round(r.p99Ms(), 1));
        l.put("max", round(r.maxMs(), 1));
        l.put("variant", "production-rocksdb");
        l.put("events_per_s", r.eventsPerSecond());
        l.put("seconds", r.seconds());
        l.put("events_produced", r.eventsProduced());
        l.put("rows", r.rows());
        l.put("window_ends", r.windowEnds());
        l.put("checkpoint_interval_ms", checkpointIntervalMs);
        l.put(
                "measures",
                "read_committed visibility of each window row minus the production time of the"
                        + " event that closed its window (first event at or past window end +"
                        + " watermark delay on every partition)");
    }

    /** Computes the targets from what was measured and writes the file. */
    public void write(Path file, long checkpointIntervalMs) throws IOException {
        root.set(
                "targets",
                Targets.evaluate(variants, root.get("latency_ms"), checkpointIntervalMs + 1_000.0));
        Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writeValue(file.toFile(), root);
    }

    static double round(double v, int places) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return v;
        return BigDecimal.valueOf(v).setScale(places, RoundingMode.HALF_UP).doubleValue();
    }
}
