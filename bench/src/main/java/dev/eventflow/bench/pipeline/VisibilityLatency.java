package dev.eventflow.bench.pipeline;

import dev.eventflow.bench.SeededEvents;
import dev.eventflow.bench.kafka.BrokerProcess;
import dev.eventflow.bench.kafka.SeededTopics;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.common.generator.UserEventGenerator;
import dev.eventflow.jobs.windowagg.WindowAggregationJob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Visibility latency of the production job, Kafka to Kafka: RocksDB (the default), exactly-once, 10
 * s checkpoints, parallelism 2, unbounded, as deployed.
 *
 * <p>A paced producer writes the seeded sequence to the input topic at a steady rate (20,000
 * events/s; at 20 ms of event time per event, event time runs 400x the wall clock, so a 1-minute
 * slide closes every 150 ms of wall time). A window ending at {@code e} can be emitted once the
 * watermark, the minimum over the partitions of (max event time - 10 min delay), passes it: that
 * is, once every partition has received an event at or past {@code e + 10 min}. The producer notes
 * when it sent the first such event per partition; the later of the partitions' times is the
 * window's <em>closing event's production time</em>. A {@code read_committed} consumer of the
 * output topic records, for every window row, the time it became visible minus that production
 * time. With exactly-once delivery a row becomes visible when the checkpoint after its emission
 * completes and the sink commits its transaction, so the figure is dominated by the checkpoint
 * interval (rows wait 0 to 10 s for the next checkpoint). Rows of windows closed in the first
 * {@code warmUp} are not counted.
 */
public final class VisibilityLatency {

    /** The measurement's outcome (milliseconds). */
    public record Result(
            double p50Ms,
            double p99Ms,
            double maxMs,
            long rows,
            long windowEnds,
            int eventsPerSecond,
            long seconds,
            long eventsProduced) {}

    private static final long WATERMARK_DELAY_MS = 600_000;
    private static final long SLIDE_MS = 60_000;

    private final BrokerProcess broker;
    private final Path checkpointDir;

    public VisibilityLatency(BrokerProcess broker, Path checkpointDir) {
        this.broker = broker;
        this.checkpointDir = checkpointDir;
    }

    public Result measure(int eventsPerSecond, Duration produceFor, Duration warmUp)
            throws Exception {
        broker.createTopics(
                Map.of(
                        "latency-in", KafkaHarness.PARTITIONS,
                        "latency-out", KafkaHarness.PARTITIONS,
                        "latency-late", KafkaHarness.PARTITIONS,
                        "latency-dlq", KafkaHarness.PARTITIONS));
        WindowAggregationJob job = new WindowAggregationJob();
        ParsedOptions o =
                job.options()
                        .parse(
                                "--bootstrap-servers", broker.bootstrapServers(),
                                "--input-topic", "latency-in",
                                "--output-topic", "latency-out",
                                "--late-topic", "latency-late",
                                "--dlq-topic", "latency-dlq",
                                "--group-id", "bench-latency",
                                "--transactional-id-prefix", "bench-latency",
                                "--starting-offsets", "earliest",
                                "--checkpoint-interval", KafkaHarness.CHECKPOINT_INTERVAL,
                                "--checkpoint-dir", checkpointDir.toUri().toString(),
                                "--parallelism", Integer.toString(KafkaHarness.PARALLELISM));
        job.validate(o);
        StreamExecutionEnvironment env =
                JobEnvironment.create(o, WindowAggregationJob.NAME, RuntimeExecutionMode.STREAMING);
        WindowAggregationJob.buildPipeline(env, o, UnaryOperator.identity());
        JobClient client = env.executeAsync(WindowAggregationJob.NAME);
        try {
            awaitRunning(client);
            return produceAndObserve(eventsPerSecond, produceFor, warmUp);
        } finally {
            client.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    private static void awaitRunning(JobClient client) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (client.getJobStatus().get() != JobStatus.RUNNING) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("job not running");
            Thread.sleep(100);
        }
        Thread.sleep(3_000); // sources assigned their partitions
    }

    private Result produceAndObserve(int rate, Duration produceFor, Duration warmUp)
            throws Exception {
        // partition -> (minute boundary of event time -> System.nanoTime() of the first event
        // at or past it on that partition)
        List<Map<Long, Long>> crossings = new ArrayList<>();
        for (int p = 0; p < KafkaHarness.PARTITIONS; p++) crossings.add(new ConcurrentHashMap<>());
        long start = System.nanoTime();
        long warmEnd = start + warmUp.toNanos();
        long produceEnd = start + produceFor.toNanos();
        List<Long> latencies = new ArrayList<>();
        Set<Long> windowEnds = new HashSet<>();
        long[] produced = new long[1];
        Thread producer =
                new Thread(() -> producePaced(rate, start, produceEnd, crossings, produced));
        producer.setName("paced-producer");
        producer.start();
        try (KafkaConsumer<byte[], byte[]> consumer = committedReader()) {
            List<TopicPartition> parts = new ArrayList<>();
            for (int p = 0; p < KafkaHarness.PARTITIONS; p++) {
                parts.add(new TopicPartition("latency-out", p));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            // after the producer stops, wait for the last windows' commit (one more checkpoint)
            long readEnd = produceEnd + TimeUnit.SECONDS.toNanos(12);
            while (System.nanoTime() < readEnd) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.nanoTime();
                    long windowEnd = windowEnd(r.value());
                    Long closed = closingTime(crossings, windowEnd + WATERMARK_DELAY_MS);
                    // null: not closed by a produced event (end of production)
                    if (closed == null || closed < warmEnd || closed > produceEnd) continue;
                    latencies.add(now - closed);
                    windowEnds.add(windowEnd);
                }
            }
        }
        producer.join();
        long[] ns = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        if (ns.length == 0) {
            throw new IllegalStateException("no window result became visible in time");
        }
        return new Result(
                percentile(ns, 0.50) / 1e6,
                percentile(ns, 0.99) / 1e6,
                ns[ns.length - 1] / 1e6,
                ns.length,
                windowEnds.size(),
                rate,
                produceFor.toSeconds(),
                produced[0]);
    }

    static long percentile(long[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** The later of the partitions' first events at or past {@code boundary}, or null. */
    private static Long closingTime(List<Map<Long, Long>> crossings, long boundary) {
        long latest = Long.MIN_VALUE;
        for (Map<Long, Long> partition : crossings) {
            Long t = partition.get(boundary);
            if (t == null) return null;
            latest = Math.max(latest, t);
        }
        return latest;
    }

    /**
     * Sends the seeded sequence at {@code rate} events/s (in 5 ms steps, catching up if behind)
     * until {@code end}, noting per partition when the max event time crosses each slide boundary.
     */
    private void producePaced(
            int rate, long start, long end, List<Map<Long, Long>> crossings, long[] produced) {
        UserEventGenerator generator = SeededEvents.generator();
        long[] maxTime = new long[KafkaHarness.PARTITIONS];
        Arrays.fill(maxTime, Long.MIN_VALUE);
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> producer =
                SeededTopics.producer(broker.bootstrapServers())) {
            while (true) {
                long now = System.nanoTime();
                if (now >= end) break;
                long due = (now - start) * rate / 1_000_000_000L;
                while (sent < due) {
                    UserEventGenerator.Generated g = generator.next();
                    int p = SeededTopics.partition(g.key, sent, KafkaHarness.PARTITIONS);
                    producer.send(
                            SeededTopics.record("latency-in", KafkaHarness.PARTITIONS, sent, g));
                    long sentAt = System.nanoTime();
                    if (g.eventTime > maxTime[p]) {
                        long from =
                                maxTime[p] == Long.MIN_VALUE
                                        ? Math.floorDiv(g.eventTime, SLIDE_MS) * SLIDE_MS
                                        : (Math.floorDiv(maxTime[p], SLIDE_MS) + 1) * SLIDE_MS;
                        for (long b = from; b <= g.eventTime; b += SLIDE_MS) {
                            crossings.get(p).putIfAbsent(b, sentAt);
                        }
                        maxTime[p] = g.eventTime;
                    }
                    sent++;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
            producer.flush();
        }
        produced[0] = sent;
    }

    private KafkaConsumer<byte[], byte[]> committedReader() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    private static final String WINDOW_END = "\"window_end\":\"";

    /** The {@code window_end} of a result row (ISO-8601), in epoch ms. */
    static long windowEnd(byte[] row) {
        String json = new String(row, StandardCharsets.UTF_8);
        int from = json.indexOf(WINDOW_END) + WINDOW_END.length();
        return Instant.parse(json.substring(from, json.indexOf('"', from))).toEpochMilli();
    }
}
