package dev.eventflow.jobs.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.DeadLetterSerializationSchema;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.common.generator.UserEventGenerator;
import dev.eventflow.common.testing.EmbeddedKafkaCluster;
import dev.eventflow.jobs.windowagg.WindowAggregationJob;
import dev.eventflow.jobs.windowagg.WindowAggregationOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The embedded demo (README command 1): a real Kafka broker (KRaft, in this JVM), a generator of
 * realistic user events, and {@code window-aggregation} on a local Flink MiniCluster with its web
 * UI. It prints what appears on the output topics, read the way a downstream consumer must read
 * them ({@code isolation.level=read_committed}), and ends by itself after a bounded number of
 * events, or runs on with {@code --forever}.
 *
 * <p>Event time runs 60x faster than the wall clock, so an hour of traffic plays in a minute and
 * windows close every second or so.
 */
public final class EmbeddedDemo {

    private static final DateTimeFormatter HHMM =
            DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HHMMSS =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EmbeddedDemo() {}

    public static void main(String[] args) throws Exception {
        boolean forever = Arrays.asList(args).contains("--forever");
        int requested =
                Arrays.stream(args)
                        .filter(a -> a.startsWith("--events="))
                        .map(a -> Integer.parseInt(a.substring("--events=".length())))
                        .findFirst()
                        .orElse(30_000);
        int totalEvents = forever ? Integer.MAX_VALUE : requested;
        int eventsPerSecond = 500;
        long stepMs = 120; // 500 events/s * 120 ms = 60 s of event time per wall second

        System.out.println(
                "== eventflow demo: window-aggregation on an embedded Kafka broker and a local Flink MiniCluster ==");
        try (EmbeddedKafkaCluster kafka = new EmbeddedKafkaCluster()) {
            kafka.start();
            String servers = kafka.bootstrapServers();
            kafka.createTopic("user-events", 3);
            kafka.createTopic("processed-user-events", 3);
            kafka.createTopic("late-user-events", 1);
            kafka.createTopic("user-events-dlq", 1);
            System.out.println("Kafka broker (KRaft) : " + servers);
            System.out.println(
                    "topics               : user-events (3 partitions) -> processed-user-events, late-user-events, user-events-dlq");

            ParsedOptions options =
                    WindowAggregationOptions.optionSet()
                            .parse(
                                    "--bootstrap-servers", servers,
                                    "--starting-offsets", "earliest",
                                    "--checkpoint-interval", "2s",
                                    "--state-backend", "rocksdb",
                                    "--idleness", "5s");
            StreamExecutionEnvironment env =
                    JobEnvironment.create(
                            options, WindowAggregationJob.NAME, RuntimeExecutionMode.STREAMING);
            WindowAggregationJob.buildPipeline(env, options, UnaryOperator.identity());
            JobClient job = env.executeAsync(WindowAggregationJob.NAME);
            System.out.println(
                    "Flink web UI         : http://localhost:"
                            + env.getConfiguration().get(RestOptions.PORT));
            System.out.println(
                    "job                  : window-aggregation, 5m windows sliding by 1m, watermark delay 10m,");
            System.out.println(
                    "                       exactly-once Kafka sinks committed on each checkpoint (every 2s)");
            System.out.println();
            System.out.println(
                    "Reading the output topics with isolation.level=read_committed: rows appear once per checkpoint,");
            System.out.println(
                    "and a window appears once the watermark (newest event time - 10m) has passed its end.");
            System.out.println();

            long start = Instant.now().minus(Duration.ofHours(3)).toEpochMilli();
            UserEventGenerator generator =
                    new UserEventGenerator(
                            2026,
                            500,
                            start,
                            stepMs,
                            Duration.ofMinutes(2).toMillis(),
                            Duration.ofMinutes(15).toMillis(),
                            0.01,
                            0.004);
            AtomicBoolean producing = new AtomicBoolean(true);
            AtomicLong produced = new AtomicLong();
            AtomicLong generatedLate = new AtomicLong();
            AtomicLong generatedMalformed = new AtomicLong();
            AtomicLong lastEventTime = new AtomicLong(start);
            Thread producer =
                    new Thread(
                            () ->
                                    produce(
                                            servers,
                                            generator,
                                            totalEvents,
                                            eventsPerSecond,
                                            producing,
                                            produced,
                                            generatedLate,
                                            generatedMalformed,
                                            lastEventTime),
                            "demo-generator");
            producer.setDaemon(true);
            producer.start();

            Watcher watcher = new Watcher(servers);
            long quietSince = System.currentTimeMillis();
            while (true) {
                boolean sawSomething = watcher.pollAndPrint(produced.get(), lastEventTime.get());
                if (sawSomething) quietSince = System.currentTimeMillis();
                if (!producing.get() && System.currentTimeMillis() - quietSince > 8_000) break;
            }
            watcher.close();
            job.cancel().get();

            System.out.println();
            System.out.println("== summary ==");
            System.out.printf(
                    "events produced            : %,d (of which %,d generated late and %,d malformed)%n",
                    produced.get(), generatedLate.get(), generatedMalformed.get());
            System.out.printf(
                    "window rows (read_committed): %,d, covering windows up to %s%n",
                    watcher.windows,
                    watcher.newestEnd == 0
                            ? "-"
                            : HHMM.format(Instant.ofEpochMilli(watcher.newestEnd)));
            System.out.printf(
                    "late events on the late topic: %,d (each with the watermark it missed and by how much)%n",
                    watcher.late);
            System.out.println(
                    "  (a generated late event that still had an open sliding window counts there instead:");
            System.out.println(
                    "   the job's eventflow_partially_late_events_total metric, visible in the web UI, counts those)");
            System.out.printf(
                    "dead letters on the DLQ     : %,d (raw record + reason header)%n",
                    watcher.dead);
            System.out.println(
                    "The newest windows (within the 10m watermark delay of the last event) stay open: with more");
            System.out.println(
                    "traffic they would close; run with --forever to keep going, or see the README for the options.");
        }
        System.exit(0);
    }

    private static void produce(
            String servers,
            UserEventGenerator generator,
            int total,
            int perSecond,
            AtomicBoolean producing,
            AtomicLong produced,
            AtomicLong late,
            AtomicLong malformed,
            AtomicLong lastEventTime) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            long began = System.nanoTime();
            for (int i = 0; i < total; i++) {
                UserEventGenerator.Generated g = generator.next();
                producer.send(new ProducerRecord<>("user-events", g.key, g.json));
                produced.incrementAndGet();
                if (g.kind == UserEventGenerator.Kind.LATE) late.incrementAndGet();
                if (g.kind == UserEventGenerator.Kind.MALFORMED) malformed.incrementAndGet();
                lastEventTime.set(generator.clock());
                long due = began + (long) (i + 1) * 1_000_000_000L / perSecond;
                long wait = due - System.nanoTime();
                if (wait > 0)
                    java.util.concurrent.locks.LockSupport.parkNanos(wait); // pacing the generator
            }
            producer.flush();
        } finally {
            producing.set(false);
        }
    }

    /** Reads the three output topics read_committed and prints a readable digest. */
    private static final class Watcher implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        long windows;
        long late;
        long dead;
        long newestEnd;

        Watcher(String servers) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "demo-watcher");
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class.getName());
            p.put(
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class.getName());
            consumer = new KafkaConsumer<>(p);
            consumer.subscribe(
                    List.of("processed-user-events", "late-user-events", "user-events-dlq"));
        }

        boolean pollAndPrint(long produced, long eventClock) throws Exception {
            ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofSeconds(1));
            if (batch.isEmpty()) return false;
            List<JsonNode> rows = new ArrayList<>();
            List<JsonNode> lateRows = new ArrayList<>();
            List<String> deadRows = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : batch) {
                switch (r.topic()) {
                    case "processed-user-events":
                        rows.add(MAPPER.readTree(r.value()));
                        break;
                    case "late-user-events":
                        lateRows.add(MAPPER.readTree(r.value()));
                        break;
                    default:
                        deadRows.add(reason(r));
                }
            }
            windows += rows.size();
            late += lateRows.size();
            dead += deadRows.size();
            for (JsonNode n : rows)
                newestEnd =
                        Math.max(
                                newestEnd,
                                Instant.parse(n.get("window_end").asText()).toEpochMilli());
            System.out.printf(
                    "[produced %,7d | event clock %s] +%d window rows (closed up to %s), +%d late, +%d dead letters%n",
                    produced,
                    HHMMSS.format(Instant.ofEpochMilli(eventClock)),
                    rows.size(),
                    newestEnd == 0 ? "-" : HHMM.format(Instant.ofEpochMilli(newestEnd)),
                    lateRows.size(),
                    deadRows.size());
            rows.stream()
                    .filter(
                            n ->
                                    Instant.parse(n.get("window_end").asText()).toEpochMilli()
                                            == newestEnd)
                    .sorted(
                            Comparator.comparingLong((JsonNode n) -> n.get("events").asLong())
                                    .reversed())
                    .limit(2)
                    .forEach(
                            n ->
                                    System.out.printf(
                                            "    window %s-%s %-10s events=%-3d approx_sessions=%-2d purchases=%d sum_amount=%s%n",
                                            HHMM.format(
                                                    Instant.parse(n.get("window_start").asText())),
                                            HHMM.format(
                                                    Instant.parse(n.get("window_end").asText())),
                                            n.get("user_id").asText(),
                                            n.get("events").asLong(),
                                            n.get("approx_sessions").asLong(),
                                            n.get("purchases").asLong(),
                                            n.get("sum_amount").isNull()
                                                    ? "-"
                                                    : String.format(
                                                            "%.2f",
                                                            n.get("sum_amount").asDouble())));
            lateRows.stream()
                    .limit(1)
                    .forEach(
                            n ->
                                    System.out.printf(
                                            "    LATE  %s event at %s met watermark %s: %ds late, every window it belongs to had closed%n",
                                            n.get("user_id").asText(),
                                            HHMMSS.format(
                                                    Instant.parse(n.get("event_time").asText())),
                                            HHMMSS.format(
                                                    Instant.parse(n.get("watermark").asText())),
                                            n.get("lateness_ms").asLong() / 1000));
            deadRows.stream().limit(1).forEach(reason -> System.out.println("    DLQ   " + reason));
            return true;
        }

        private static String reason(ConsumerRecord<byte[], byte[]> r) {
            var h = r.headers().lastHeader(DeadLetterSerializationSchema.REASON);
            String value = new String(r.value(), StandardCharsets.UTF_8);
            if (value.length() > 60) value = value.substring(0, 60) + "...";
            return (h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8))
                    + "  <- "
                    + value;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
