package dev.eventflow.jobs.windowagg;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.DeadLetterSerializationSchema;
import dev.eventflow.common.event.Json;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.jobs.InjectedFault;
import dev.eventflow.jobs.Launcher;
import dev.eventflow.jobs.TaskManagerLoss;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code window-aggregation} end to end on a real Kafka broker (KRaft, in-process) and a Flink
 * MiniCluster, wired by the job's own {@code buildPipeline}. Every assertion reads the OUTPUT
 * topics with {@code isolation.level=read_committed} and compares with a ground truth computed
 * here.
 *
 * <p>Lateness depends on where the watermark is when an event arrives. The unbounded tests make
 * that deterministic without sleeping: every partition ends its first batch with an event at the
 * same time M, so the watermark can rise to exactly {@code M - delay - 1ms} and no further; seeing
 * the window that closes at that instant on the output topic proves it got there.
 */
class WindowAggregationITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = TaskManagerLoss.cluster();

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long DELAY = 10 * MINUTE;
    private static final long SIZE = 5 * MINUTE;
    private static final long SLIDE = MINUTE;

    private String input;
    private String output;
    private String late;
    private String dlq;

    @BeforeEach
    void topics() {
        input = KAFKA.uniqueTopic("user-events", 3);
        output = KAFKA.uniqueTopic("processed-user-events", 3);
        late = KAFKA.uniqueTopic("late-user-events", 1);
        dlq = KAFKA.uniqueTopic("user-events-dlq", 1);
        FailOnce.reset();
    }

    @AfterEach
    void disarm() {
        FailOnce.reset();
    }

    private ParsedOptions options(String... extra) {
        return WindowAggregationOptions.optionSet()
                .parse(
                        KAFKA.jobArgs(input)
                                .with("--input-topic", input)
                                .with("--output-topic", output)
                                .with("--late-topic", late)
                                .with("--dlq-topic", dlq)
                                .with("--parallelism", 2)
                                .toArray(extra));
    }

    private static JobClient start(ParsedOptions o, UnaryOperator<DataStream<UserEvent>> hook)
            throws Exception {
        StreamExecutionEnvironment env =
                JobEnvironment.create(o, WindowAggregationJob.NAME, RuntimeExecutionMode.STREAMING);
        WindowAggregationJob.buildPipeline(env, o, hook);
        return env.executeAsync(WindowAggregationJob.NAME);
    }

    // ---- producing input ----

    private static byte[] json(UserEvent e, boolean epochMillis) {
        if (!epochMillis) return Json.event(e);
        String amount = e.amount == null ? "" : ",\"amount\":" + e.amount;
        return ("{\"event_id\":\""
                        + e.eventId
                        + "\",\"user_id\":\""
                        + e.userId
                        + "\",\"session_id\":\""
                        + e.sessionId
                        + "\",\"event_type\":\""
                        + e.eventType
                        + "\",\"event_time\":"
                        + e.eventTime
                        + amount
                        + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Events round-robin over the partitions, keeping each partition in the given order. */
    private void produce(List<UserEvent> events, int partitions) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            UserEvent e = events.get(i);
            records.add(
                    new ProducerRecord<>(
                            input,
                            i % partitions,
                            e.userId.getBytes(StandardCharsets.UTF_8),
                            json(e, i % 2 == 1)));
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
                            json(e, false)));
        }
        KAFKA.client().produce(input, records);
    }

    /**
     * One event at exactly {@code time} per partition: the watermark can then reach time - delay -
     * 1.
     */
    private List<UserEvent> pins(long time, int partitions) {
        List<UserEvent> pins = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            UserEvent pin = TestEvents.event("pin-" + p, "pin-session", time);
            produceTo(p, pin);
            pins.add(pin);
        }
        return pins;
    }

    // ---- reading output ----

    private static WindowResult parseResult(ConsumerRecord<byte[], byte[]> r) {
        try {
            JsonNode n = MAPPER.readTree(r.value());
            WindowResult w = new WindowResult();
            w.userId = n.get("user_id").asText();
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(w.userId);
            w.windowStart = Instant.parse(n.get("window_start").asText()).toEpochMilli();
            w.windowEnd = Instant.parse(n.get("window_end").asText()).toEpochMilli();
            w.events = n.get("events").asLong();
            w.approxSessions = n.get("approx_sessions").asLong();
            w.sumAmount = n.get("sum_amount").isNull() ? null : n.get("sum_amount").asDouble();
            w.avgAmount = n.get("avg_amount").isNull() ? null : n.get("avg_amount").asDouble();
            w.minAmount = n.get("min_amount").isNull() ? null : n.get("min_amount").asDouble();
            w.maxAmount = n.get("max_amount").isNull() ? null : n.get("max_amount").asDouble();
            w.purchases = n.get("purchases").asLong();
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<WindowResult> results(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream()
                .map(WindowAggregationITCase::parseResult)
                .collect(Collectors.toList());
    }

    private static Predicate<List<ConsumerRecord<byte[], byte[]>>> containsWindow(
            String user, long end) {
        return records ->
                results(records).stream()
                        .anyMatch(r -> r.userId.equals(user) && r.windowEnd == end);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    // ---- tests ----

    @Test
    void boundedRunWritesEveryWindowOnceAndMalformedRecordsToTheDlq() throws Exception {
        List<UserEvent> events = TestEvents.seeded(11, 2_400, 30, 60, 3 * MINUTE);
        produce(events, 3);
        String[] malformed = {
            "not json",
            "{\"event_id\":\"x1\",\"session_id\":\"s\",\"event_type\":\"click\",\"event_time\":1767261600000}",
            "{\"event_id\":\"x2\",\"user_id\":\"u\",\"session_id\":\"s\",\"event_type\":\"click\",\"event_time\":\"soon\"}",
            "{\"event_id\":\"x3\",\"user_id\":\"u\",\"session_id\":\"s\",\"event_type\":\"click\",\"event_time\":\"2999-01-01T00:00:00Z\"}"
        };
        List<ProducerRecord<byte[], byte[]>> bad = new ArrayList<>();
        for (String m : malformed)
            bad.add(new ProducerRecord<>(input, 1, null, m.getBytes(StandardCharsets.UTF_8)));
        KAFKA.client().produce(input, bad);

        JobClient job =
                start(options("--bounded", "--state-backend", "rocksdb"), UnaryOperator.identity());
        job.getJobExecutionResult().get();

        List<WindowResult> results = results(KAFKA.client().readCommitted(output, WAIT));
        ExpectedWindows.assertMatches(
                ExpectedWindows.compute(events, SIZE, SLIDE, Long.MAX_VALUE), results, 12);
        // Disorder (3m) below the delay (10m): nothing is late.
        assertThat(KAFKA.client().readCommitted(late, WAIT)).isEmpty();

        List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.client().readCommitted(dlq, WAIT);
        assertThat(dead).hasSize(malformed.length);
        Map<String, String> reasonByValue = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> d : dead) {
            reasonByValue.put(
                    new String(d.value(), StandardCharsets.UTF_8),
                    header(d, DeadLetterSerializationSchema.REASON));
            assertThat(header(d, DeadLetterSerializationSchema.SOURCE_TOPIC)).isEqualTo(input);
            assertThat(header(d, DeadLetterSerializationSchema.SOURCE_PARTITION)).isEqualTo("1");
            assertThat(Long.parseLong(header(d, DeadLetterSerializationSchema.SOURCE_OFFSET)))
                    .isNotNegative();
        }
        assertThat(reasonByValue.get(malformed[0])).startsWith("not valid JSON");
        assertThat(reasonByValue.get(malformed[1])).isEqualTo("missing field user_id");
        assertThat(reasonByValue.get(malformed[2])).contains("neither ISO-8601");
        assertThat(reasonByValue.get(malformed[3])).contains("ahead of the wall clock");
    }

    @Test
    void lateEventsGoToTheLateTopicAndPartiallyLateOnesCountOnlyInOpenWindows() throws Exception {
        // Batch 1: 30 minutes of traffic, then every partition pinned at M1 = T0+30m.
        long m1 = at(30, 0);
        List<UserEvent> batch1 = TestEvents.seeded(21, 300, 8, 29, 2 * MINUTE);
        produce(batch1, 3);
        List<UserEvent> onTime = new ArrayList<>(batch1);
        // The probe's window [10:15, 10:20) closes exactly when the watermark reaches w1. It goes
        // to
        // partition 0 before that partition's pin (order within a partition is kept), so it is on
        // time.
        UserEvent probe = TestEvents.event("probe-1", "p", at(19, 0));
        produceTo(0, probe);
        onTime.add(probe);
        onTime.addAll(pins(m1, 3));
        long w1 = m1 - DELAY - 1; // 10:19:59.999

        JobClient job = start(options("--state-backend", "hashmap"), UnaryOperator.identity());
        try {
            KAFKA.client().awaitRecords(output, containsWindow("probe-1", at(20, 0)), WAIT);

            // The watermark now stands at exactly w1 and cannot move until new data raises every
            // partition.
            UserEvent allLate =
                    TestEvents.event("late-user", "s-late", at(10, 0)); // windows end 10:11..10:15
            UserEvent partial =
                    TestEvents.purchase(
                            "partial-user", "s-partial", at(17, 0), 42.0); // ends 10:18..10:22
            UserEvent fine = TestEvents.event("fine-user", "s-fine", at(25, 0));
            produceTo(0, allLate, partial, fine);
            onTime.add(fine);

            // Batch 2: move every partition to M2 = T0+60m, with a probe closing at T0+50m.
            UserEvent probe2 = TestEvents.event("probe-2", "p", at(45, 30));
            produceTo(1, probe2);
            onTime.add(probe2);
            onTime.addAll(pins(at(60, 0), 3));
            List<ConsumerRecord<byte[], byte[]>> out =
                    KAFKA.client().awaitRecords(output, containsWindow("probe-2", at(50, 0)), WAIT);
            job.cancel().get();

            out = KAFKA.client().readCommitted(output, WAIT);
            List<UserEvent> all = new ArrayList<>(onTime);
            all.add(partial);
            var expected =
                    ExpectedWindows.compute(
                            all, SIZE, SLIDE, at(50, 0), e -> e == partial ? w1 : Long.MIN_VALUE);
            ExpectedWindows.assertMatches(expected, results(out), 12);
            // The partially late purchase counts in [10:16,10:21) and [10:17,10:22) only.
            assertThat(results(out).stream().filter(r -> r.userId.equals("partial-user")))
                    .extracting(r -> Instant.ofEpochMilli(r.windowStart).toString())
                    .containsExactlyInAnyOrder("2026-01-01T10:16:00Z", "2026-01-01T10:17:00Z");

            List<ConsumerRecord<byte[], byte[]>> lateRecords =
                    KAFKA.client().readCommitted(late, WAIT);
            assertThat(lateRecords).hasSize(1);
            JsonNode l = MAPPER.readTree(lateRecords.get(0).value());
            assertThat(l.get("event_id").asText()).isEqualTo(allLate.eventId);
            assertThat(l.get("user_id").asText()).isEqualTo("late-user");
            assertThat(l.get("event_time").asText()).isEqualTo("2026-01-01T10:10:00Z");
            assertThat(l.get("watermark").asText()).isEqualTo(Instant.ofEpochMilli(w1).toString());
            assertThat(l.get("lateness_ms").asLong()).isEqualTo(w1 - at(10, 0));
        } finally {
            cancelQuietly(job);
        }
    }

    @Test
    void afterAFailureMidStreamEveryWindowIsStillWrittenExactlyOnce() throws Exception {
        exactlyOnceAcross(
                "task failure mid-stream (RocksDB)",
                stream -> stream.map(new FailOnce()).name("fail-once").uid("test.fail-once"),
                () -> FailOnce.arm(100),
                job -> FailOnce.hasFailed());
    }

    @Test
    void afterLosingATaskManagerMidStreamEveryWindowIsStillWrittenExactlyOnce(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        exactlyOnceAcross(
                "TaskManager lost mid-stream (RocksDB)",
                UnaryOperator.identity(),
                () -> TaskManagerLoss.killOneAndReplace(cluster),
                job -> TaskManagerLoss.restarted(cluster, job.getJobID()));
    }

    private void exactlyOnceAcross(
            String fault,
            UnaryOperator<DataStream<UserEvent>> hook,
            InjectedFault.Action inject,
            InjectedFault.Check happened)
            throws Exception {
        List<UserEvent> batch1 = TestEvents.seeded(31, 600, 12, 29, 2 * MINUTE);
        produce(batch1, 3);
        List<UserEvent> all = new ArrayList<>(batch1);
        all.addAll(pins(at(30, 0), 3));

        JobClient job = start(options("--state-backend", "rocksdb"), hook);
        try {
            // Output is visible only after a checkpoint committed its transaction.
            KAFKA.client().awaitRecords(output, records -> !records.isEmpty(), WAIT);
            inject.inject();

            List<UserEvent> batch2 = new ArrayList<>();
            for (UserEvent e : TestEvents.seeded(32, 600, 12, 29, 2 * MINUTE)) {
                e.eventTime += 30 * MINUTE;
                batch2.add(e);
            }
            produce(batch2, 3);
            all.addAll(batch2);
            UserEvent probe = TestEvents.event("probe", "p", at(45, 30));
            produceTo(2, probe);
            all.add(probe);
            all.addAll(pins(at(62, 0), 3));

            KAFKA.client().awaitRecords(output, containsWindow("probe", at(50, 0)), WAIT);
            assertThat(happened.holds(job)).as("the injected fault happened").isTrue();
            job.cancel().get();

            List<WindowResult> results = results(KAFKA.client().readCommitted(output, WAIT));
            // Everything up to T0+52m-1ms is closed; no window may be missing or appear twice.
            var expected = ExpectedWindows.compute(all, SIZE, SLIDE, at(52, 0));
            ExpectedWindows.assertExactlyOnce(
                    getClass(), "window-aggregation", fault, 1, expected, results, 12);
        } finally {
            cancelQuietly(job);
        }
    }

    @Test
    void eventsLateBeforeAFailureAreStillLateAfterTheRestoreAndNoWindowIsWrittenTwice()
            throws Exception {
        // As above, batch 1 and pins: the watermark stops at exactly w1. dup-user has events in
        // every window around 10:10 and 10:17, placed in time order among the others (on time).
        List<UserEvent> batch1 = new ArrayList<>(TestEvents.seeded(51, 300, 8, 29, 2 * MINUTE));
        for (UserEvent d :
                List.of(
                        TestEvents.event("dup-user", "d1", at(10, 0)),
                        TestEvents.event("dup-user", "d2", at(17, 0)))) {
            int i = 0;
            while (batch1.get(i).eventTime < d.eventTime) i++;
            batch1.add(i, d);
        }
        produce(batch1, 3);
        UserEvent probe = TestEvents.event("probe-1", "p", at(19, 0));
        produceTo(0, probe);
        List<UserEvent> all = new ArrayList<>(batch1);
        all.add(probe);
        all.addAll(pins(at(30, 0), 3));
        long w1 = at(30, 0) - DELAY - 1;

        JobClient job =
                start(
                        options("--state-backend", "rocksdb"),
                        stream ->
                                stream.map(new FailOnce()).name("fail-once").uid("test.fail-once"));
        try {
            // Committed: every window up to 10:20 (dup-user's among them), by a checkpoint whose
            // offsets cover all of the above.
            KAFKA.client().awaitRecords(output, containsWindow("probe-1", at(20, 0)), WAIT);

            // Late for all of its windows (end 10:11..10:15), and for 3 of 5 (10:18..10:20 are
            // written; 10:21 and 10:22 are open).
            UserEvent allLate = TestEvents.event("dup-user", "d3", at(10, 30));
            UserEvent partial = TestEvents.purchase("dup-user", "d4", at(17, 0), 7.0);
            // The job fails on allLate and restores from a checkpoint taken before it, so both are
            // read again first after the restore, when the sources have no watermark yet
            // (partitions 1 and 2 get nothing new): without a checkpointed watermark, both would
            // open fresh windows for ones already written, and write them a second time.
            FailOnce.armOn(allLate.eventId);
            produceTo(0, allLate, partial);
            // FailOnce throws at the first sight, so a late record means: routed after the restore.
            List<ConsumerRecord<byte[], byte[]>> lateRecords =
                    KAFKA.client().awaitRecords(late, records -> !records.isEmpty(), WAIT);
            assertThat(FailOnce.hasFailed()).as("the injected failure happened").isTrue();

            UserEvent probe2 = TestEvents.event("probe-2", "p", at(45, 30));
            produceTo(1, probe2);
            all.add(probe2);
            all.addAll(pins(at(60, 0), 3));
            KAFKA.client().awaitRecords(output, containsWindow("probe-2", at(50, 0)), WAIT);
            job.cancel().get();

            List<UserEvent> withPartial = new ArrayList<>(all);
            withPartial.add(partial);
            var expected =
                    ExpectedWindows.compute(
                            withPartial,
                            SIZE,
                            SLIDE,
                            at(50, 0),
                            e -> e == partial ? w1 : Long.MIN_VALUE);
            ExpectedWindows.assertExactlyOnce(
                    getClass(),
                    "window-aggregation",
                    "task failure on a late event",
                    1,
                    expected,
                    results(KAFKA.client().readCommitted(output, WAIT)),
                    12);

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
    void anIdlePartitionDoesNotStallTheWatermark() throws Exception {
        // Partition 2 never receives anything.
        List<UserEvent> events = TestEvents.seeded(41, 200, 5, 20, MINUTE);
        produce(events, 2);
        List<UserEvent> all = new ArrayList<>(events);
        UserEvent probe =
                TestEvents.event("probe", "p", at(29, 0)); // its last window closes at T0+30m
        produceTo(0, probe);
        all.add(probe);
        for (int p = 0; p < 2; p++) {
            UserEvent pin = TestEvents.event("pin-" + p, "pin", at(40, 0));
            produceTo(p, pin);
            all.add(pin);
        }
        JobClient job = start(options("--idleness", "1s"), UnaryOperator.identity());
        try {
            List<ConsumerRecord<byte[], byte[]>> out =
                    KAFKA.client().awaitRecords(output, containsWindow("probe", at(30, 0)), WAIT);
            job.cancel().get();
            out = KAFKA.client().readCommitted(output, WAIT);
            ExpectedWindows.assertMatches(
                    ExpectedWindows.compute(all, SIZE, SLIDE, at(30, 0)), results(out), 12);
        } finally {
            cancelQuietly(job);
        }
    }

    @Test
    void aMissingTopicOrATooLongTransactionFailsAtStartWithAClearMessage() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        int code =
                Launcher.run(
                        new String[] {
                            "window-aggregation",
                            "--bootstrap-servers",
                            KAFKA.bootstrapServers(),
                            "--input-topic",
                            "no-such-topic",
                            "--output-topic",
                            output,
                            "--late-topic",
                            late,
                            "--dlq-topic",
                            dlq
                        },
                        System.out,
                        errStream);
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("topic(s) [no-such-topic] do not exist")
                .contains("--create-topics");

        err.reset();
        code =
                Launcher.run(
                        new String[] {
                            "window-aggregation",
                            "--bootstrap-servers",
                            KAFKA.bootstrapServers(),
                            "--input-topic",
                            input,
                            "--output-topic",
                            output,
                            "--late-topic",
                            late,
                            "--dlq-topic",
                            dlq,
                            "--transaction-timeout",
                            "16m"
                        },
                        System.out,
                        errStream);
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains(
                        "--transaction-timeout 16m (960000 ms) is larger than the broker's transaction.max.timeout.ms (900000 ms)");

        // A dead-letter topic that refuses records the DLQ producer may send.
        String smallDlq = KAFKA.uniqueTopic("small-dlq", 1);
        try (Admin admin = KAFKA.cluster().newAdmin()) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, smallDlq);
            admin.incrementalAlterConfigs(
                            Map.of(
                                    topic,
                                    List.of(
                                            new AlterConfigOp(
                                                    new ConfigEntry("max.message.bytes", "100000"),
                                                    AlterConfigOp.OpType.SET))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        err.reset();
        code =
                Launcher.run(
                        new String[] {
                            "window-aggregation",
                            "--bootstrap-servers",
                            KAFKA.bootstrapServers(),
                            "--input-topic",
                            input,
                            "--output-topic",
                            output,
                            "--late-topic",
                            late,
                            "--dlq-topic",
                            smallDlq
                        },
                        System.out,
                        errStream);
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains(
                        "the dead-letter topic "
                                + smallDlq
                                + " takes records of at most max.message.bytes=100000")
                .contains("max.request.size=1048576");
    }

    @Test
    void createTopicsCreatesWhatIsMissingAndABoundedRunOnAnEmptyTopicEnds() throws Exception {
        String fresh = "created-" + System.nanoTime();
        int code =
                Launcher.run(
                        new String[] {
                            "window-aggregation",
                            "--bootstrap-servers",
                            KAFKA.bootstrapServers(),
                            "--input-topic",
                            fresh + "-in",
                            "--output-topic",
                            fresh + "-out",
                            "--late-topic",
                            fresh + "-late",
                            "--dlq-topic",
                            fresh + "-dlq",
                            "--create-topics",
                            "--topic-partitions",
                            "2",
                            "--bounded",
                            "--starting-offsets",
                            "earliest",
                            "--checkpoint-interval",
                            "500ms",
                            "--state-backend",
                            "hashmap"
                        },
                        System.out,
                        System.err);
        assertThat(code).isZero();
        for (String suffix : List.of("-in", "-out", "-late", "-dlq")) {
            assertThat(KAFKA.client().partitionCount(fresh + suffix)).as(suffix).isEqualTo(2);
            assertThat(KAFKA.client().readCommitted(fresh + suffix, WAIT)).as(suffix).isEmpty();
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
