package dev.eventflow.jobs.windowagg;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.Json;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.jobs.Launcher;
import dev.eventflow.jobs.TestEvents;
import dev.eventflow.jobs.windowstats.WindowResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code window-aggregation --output-mode update --allowed-lateness 3m} end to end on a real Kafka
 * broker and a Flink MiniCluster, wired by the job's own {@code buildPipeline}. The output topic is
 * read with {@code isolation.level=read_committed} as a table (the last record per Kafka key) and
 * compared with a ground truth computed here: every window's final value, counting the events that
 * arrived within the allowed lateness, and not the ones beyond it, which must be on the late topic.
 *
 * <p>As in {@code WindowAggregationITCase}, the watermark is pinned: every partition ends a batch
 * with an event at the same time M, so the watermark rises to exactly {@code M - delay - 1ms}.
 */
class UpdateModeITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(4);

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long DELAY = 10 * MINUTE;
    private static final long SIZE = 5 * MINUTE;
    private static final long SLIDE = MINUTE;
    private static final long LATENESS = 3 * MINUTE;

    private String input;
    private String output;
    private String late;
    private String dlq;

    @BeforeEach
    void topics() {
        input = KAFKA.uniqueTopic("user-events", 3);
        output = KAFKA.uniqueTopic("user-windows-upsert", 3, Map.of("cleanup.policy", "compact"));
        late = KAFKA.uniqueTopic("late-user-events", 1);
        dlq = KAFKA.uniqueTopic("user-events-dlq", 1);
        FailOnce.reset();
    }

    @AfterEach
    void disarm() {
        FailOnce.reset();
    }

    private String[] args(String... extra) {
        return KAFKA.jobArgs(input)
                .with("--input-topic", input)
                .with("--output-topic", output)
                .with("--late-topic", late)
                .with("--dlq-topic", dlq)
                .with("--parallelism", 2)
                .with("--output-mode", "update")
                .with("--allowed-lateness", "3m")
                .toArray(extra);
    }

    private static JobClient start(ParsedOptions o, UnaryOperator<DataStream<UserEvent>> hook)
            throws Exception {
        StreamExecutionEnvironment env =
                JobEnvironment.create(o, WindowAggregationJob.NAME, RuntimeExecutionMode.STREAMING);
        WindowAggregationJob.buildPipeline(env, o, hook);
        return env.executeAsync(WindowAggregationJob.NAME);
    }

    private void produce(List<UserEvent> events, int partitions) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            UserEvent e = events.get(i);
            records.add(
                    new ProducerRecord<>(
                            input,
                            i % partitions,
                            e.userId.getBytes(StandardCharsets.UTF_8),
                            Json.event(e)));
        }
        KAFKA.client().produce(input, records);
    }

    private void produceTo(int partition, UserEvent... events) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (UserEvent e : events) {
            records.add(
                    new ProducerRecord<>(
                            input,
                            partition,
                            e.userId.getBytes(StandardCharsets.UTF_8),
                            Json.event(e)));
        }
        KAFKA.client().produce(input, records);
    }

    private List<UserEvent> pins(long time, int partitions) {
        List<UserEvent> pins = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            UserEvent pin = TestEvents.event("pin-" + p, "pin-session", time);
            produceTo(p, pin);
            pins.add(pin);
        }
        return pins;
    }

    // ---- reading the upsert stream ----

    /** One record of the upsert topic: its Kafka key and its row. */
    private record Upsert(String key, WindowResult row) {}

    private static Upsert parse(ConsumerRecord<byte[], byte[]> r) {
        try {
            JsonNode k = MAPPER.readTree(r.key());
            JsonNode n = MAPPER.readTree(r.value());
            WindowResult w = new WindowResult();
            w.userId = n.get("user_id").asText();
            w.windowStart = Instant.parse(n.get("window_start").asText()).toEpochMilli();
            w.windowEnd = Instant.parse(n.get("window_end").asText()).toEpochMilli();
            w.events = n.get("events").asLong();
            w.approxSessions = n.get("approx_sessions").asLong();
            w.sumAmount = n.get("sum_amount").isNull() ? null : n.get("sum_amount").asDouble();
            w.avgAmount = n.get("avg_amount").isNull() ? null : n.get("avg_amount").asDouble();
            w.minAmount = n.get("min_amount").isNull() ? null : n.get("min_amount").asDouble();
            w.maxAmount = n.get("max_amount").isNull() ? null : n.get("max_amount").asDouble();
            w.purchases = n.get("purchases").asLong();
            w.revision = n.get("revision").asInt();
            w.isFinal = n.get("final").asBoolean();
            // The key is the row's primary key, as JSON.
            assertThat(k.get("user_id").asText()).isEqualTo(w.userId);
            assertThat(k.get("window_start").asText()).isEqualTo(n.get("window_start").asText());
            assertThat(k.get("window_end").asText()).isEqualTo(n.get("window_end").asText());
            assertThat(k.size()).isEqualTo(3);
            return new Upsert(new String(r.key(), StandardCharsets.UTF_8), w);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The topic read as a table: the last record per key. On the way, each key's revisions must
     * count 0, 1, 2... in offset order with only the last one final: a duplicate or a gap would
     * show a record written twice or lost.
     */
    private static Map<String, WindowResult> table(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, WindowResult> table = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Upsert u = parse(r);
            WindowResult before = table.put(u.key, u.row);
            int expected = before == null ? 0 : before.revision + 1;
            assertThat(u.row.revision).as("revision of " + u.key).isEqualTo(expected);
            if (before != null) {
                assertThat(before.isFinal).as("a row after the final one of " + u.key).isFalse();
            }
        }
        return table;
    }

    private static Predicate<List<ConsumerRecord<byte[], byte[]>>> contains(
            String user, long end, boolean isFinal) {
        return records ->
                records.stream()
                        .map(r -> parse(r).row)
                        .anyMatch(
                                r ->
                                        r.userId.equals(user)
                                                && r.windowEnd == end
                                                && (r.isFinal || !isFinal));
    }

    // ---- tests ----

    @Test
    void theUpsertTableHoldsEveryWindowsFinalValueAfterCorrectionsAndAFailure() throws Exception {
        List<UserEvent> batch1 = TestEvents.seeded(61, 300, 8, 29, 2 * MINUTE);
        produce(batch1, 3);
        UserEvent probe = TestEvents.event("probe-1", "p", at(19, 0)); // windows end 10:20..10:24
        produceTo(0, probe);
        List<UserEvent> all = new ArrayList<>(batch1);
        all.add(probe);
        all.addAll(pins(at(30, 0), 3));
        long w1 = at(30, 0) - DELAY - 1; // 10:19:59.999: windows up to end 10:20 written

        JobClient job =
                start(
                        WindowAggregationOptions.optionSet()
                                .parse(args("--state-backend", "rocksdb")),
                        stream ->
                                stream.map(new FailOnce()).name("fail-once").uid("test.fail-once"));
        try {
            KAFKA.client().awaitRecords(output, contains("probe-1", at(20, 0), false), WAIT);

            // Behind the watermark. Windows ending at or before 10:17 are final (end - 1ms + 3m
            // <= w1); later ones written so far (up to 10:20) are corrected.
            UserEvent correction = TestEvents.purchase("probe-1", "p2", at(17, 30), 7.0);
            UserEvent partial = TestEvents.purchase("partial-user", "s", at(15, 30), 3.0);
            UserEvent allLate = TestEvents.event("late-user", "s", at(12, 0)); // ends <= 10:17
            // The job fails on the correction's first sight and restores from a checkpoint taken
            // before it: the three are read again, judged by the restored watermark floor.
            FailOnce.armOn(correction.eventId);
            produceTo(0, correction, partial, allLate);
            List<ConsumerRecord<byte[], byte[]>> lateRecords =
                    KAFKA.client().awaitRecords(late, records -> !records.isEmpty(), WAIT);
            assertThat(FailOnce.hasFailed()).as("the injected failure happened").isTrue();

            // probe-2 goes first on its partition, so it arrives while the watermark is still
            // at w1 (on time for all its windows), whatever the source reads ahead elsewhere.
            UserEvent probe2 = TestEvents.event("probe-2", "p", at(41, 30)); // ends 10:42..10:46
            produceTo(1, probe2);
            all.add(probe2);
            List<UserEvent> batch2 = new ArrayList<>();
            for (UserEvent e : TestEvents.seeded(62, 300, 8, 29, 2 * MINUTE)) {
                e.eventTime += 30 * MINUTE;
                batch2.add(e);
            }
            produce(batch2, 3);
            all.addAll(batch2);
            all.addAll(pins(at(60, 0), 3)); // w2 = 10:49:59.999: final up to end 10:47
            KAFKA.client().awaitRecords(output, contains("probe-2", at(46, 0), true), WAIT);
            job.cancel().get();

            Map<String, WindowResult> table = table(KAFKA.client().readCommitted(output, WAIT));
            List<WindowResult> finalWindows = new ArrayList<>();
            for (WindowResult r : table.values()) {
                if (r.windowEnd <= at(47, 0)) {
                    assertThat(r.isFinal).as("final: " + r).isTrue();
                    finalWindows.add(r);
                }
            }
            List<UserEvent> withLate = new ArrayList<>(all);
            withLate.add(correction);
            withLate.add(partial);
            // An event that met watermark w counts in the windows not final then: end - 1 > w - L.
            var expected =
                    ExpectedWindows.compute(
                            withLate,
                            SIZE,
                            SLIDE,
                            at(47, 0),
                            e -> e == correction || e == partial ? w1 - LATENESS : Long.MIN_VALUE);
            ExpectedWindows.assertMatches(expected, finalWindows, 12);

            // probe-1's [10:15, 10:20): written at 10:20 (1 event), corrected (2), final.
            WindowResult corrected =
                    table.get(
                            WindowResultSerializationSchemaKey.of("probe-1", at(15, 0), at(20, 0)));
            assertThat(corrected.revision).isEqualTo(2);
            assertThat(corrected.events).isEqualTo(2);
            assertThat(corrected.sumAmount).isEqualTo(7.0);
            // partial-user counts in [10:13,10:18) .. [10:15,10:20), not in the final ones.
            assertThat(
                            table.values().stream()
                                    .filter(r -> r.userId.equals("partial-user"))
                                    .map(r -> Instant.ofEpochMilli(r.windowEnd).toString()))
                    .containsExactlyInAnyOrder(
                            "2026-01-01T10:18:00Z", "2026-01-01T10:19:00Z", "2026-01-01T10:20:00Z");

            lateRecords = KAFKA.client().readCommitted(late, WAIT);
            assertThat(lateRecords).hasSize(1);
            JsonNode l = MAPPER.readTree(lateRecords.get(0).value());
            assertThat(l.get("event_id").asText()).isEqualTo(allLate.eventId);
            assertThat(l.get("watermark").asText()).isEqualTo(Instant.ofEpochMilli(w1).toString());
        } finally {
            cancelQuietly(job);
        }
    }

    @Test
    void theCompactedTopicReadFromTheBeginningIsTheCompleteResultTable() throws Exception {
        // Spark's complete mode re-emits the whole result table every trigger. Here the table is
        // the compacted upsert topic itself: a reader that starts at the beginning and keeps the
        // last row per key has every window, each at its final value.
        String fresh = "complete-" + System.nanoTime();
        String in = fresh + "-in";
        List<UserEvent> events = TestEvents.seeded(71, 1_200, 20, 40, 2 * MINUTE);
        int code =
                Launcher.run(
                        new String[] {
                            "window-aggregation",
                            "--bootstrap-servers",
                            KAFKA.bootstrapServers(),
                            "--input-topic",
                            in,
                            "--output-topic",
                            fresh + "-out",
                            "--late-topic",
                            fresh + "-late",
                            "--dlq-topic",
                            fresh + "-dlq",
                            "--create-topics",
                            "--bounded",
                            "--starting-offsets",
                            "earliest",
                            "--checkpoint-interval",
                            "500ms",
                            "--output-mode",
                            "update",
                            "--allowed-lateness",
                            "2m",
                            "--state-backend",
                            "hashmap"
                        },
                        System.out,
                        System.err);
        assertThat(code).as("the first run only creates the topics").isZero();
        assertThat(topicConfig(fresh + "-out", "cleanup.policy")).isEqualTo("compact");
        input = in;
        produce(events, 3);
        code =
                Launcher.run(
                        new String[] {
                            "window-aggregation",
                            "--bootstrap-servers",
                            KAFKA.bootstrapServers(),
                            "--input-topic",
                            in,
                            "--output-topic",
                            fresh + "-out",
                            "--late-topic",
                            fresh + "-late",
                            "--dlq-topic",
                            fresh + "-dlq",
                            "--group-id",
                            fresh,
                            "--bounded",
                            "--starting-offsets",
                            "earliest",
                            "--checkpoint-interval",
                            "500ms",
                            "--output-mode",
                            "update",
                            "--allowed-lateness",
                            "2m"
                        },
                        System.out,
                        System.err);
        assertThat(code).isZero();

        Map<String, WindowResult> table = table(KAFKA.client().readCommitted(fresh + "-out", WAIT));
        assertThat(table.values()).allMatch(r -> r.isFinal, "every window final");
        ExpectedWindows.assertMatches(
                ExpectedWindows.compute(events, SIZE, SLIDE, Long.MAX_VALUE), table.values(), 12);
    }

    @Test
    void updateModeRefusesAnOutputTopicThatIsNotCompactedAndLatenessWithoutUpdateMode()
            throws Exception {
        String plain = KAFKA.uniqueTopic("plain-output", 1);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        List<String> a = new ArrayList<>(List.of("window-aggregation"));
        a.addAll(List.of(args()));
        a.set(a.indexOf(output), plain);
        int code = Launcher.run(a.toArray(new String[0]), System.out, errStream);
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("topic " + plain + " has cleanup.policy=delete")
                .contains("--output-mode update");

        err.reset();
        code =
                Launcher.run(
                        new String[] {
                            "window-aggregation",
                            "--bootstrap-servers",
                            KAFKA.bootstrapServers(),
                            "--allowed-lateness",
                            "5m"
                        },
                        System.out,
                        errStream);
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--allowed-lateness 5m needs --output-mode update");
    }

    private static String topicConfig(String topic, String name) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            return admin.describeConfigs(List.of(r)).all().get().get(r).get(name).value();
        }
    }

    /** The Kafka key the job writes for a window, spelled independently of the job's code. */
    private static final class WindowResultSerializationSchemaKey {
        static String of(String user, long start, long end) {
            return "{\"user_id\":\""
                    + user
                    + "\",\"window_start\":\""
                    + Instant.ofEpochMilli(start)
                    + "\",\"window_end\":\""
                    + Instant.ofEpochMilli(end)
                    + "\"}";
        }
    }

    private static void cancelQuietly(JobClient job) {
        try {
            job.cancel().get();
        } catch (Exception alreadyGone) {
            // finished or cancelled already
        }
    }
}
