package dev.eventflow.jobs.runningcounts;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.SECOND;
import static dev.eventflow.jobs.TestEvents.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.Json;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.common.testing.GuaranteeLedger;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.jobs.InjectedFault;
import dev.eventflow.jobs.Launcher;
import dev.eventflow.jobs.TaskManagerLoss;
import dev.eventflow.jobs.windowagg.FailOnce;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code running-counts} end to end on a real Kafka broker and a Flink MiniCluster, wired by the
 * job's own {@code buildPipeline}; every assertion reads the OUTPUT topic with {@code
 * isolation.level=read_committed} and compares with {@link ExpectedUpdates}.
 *
 * <p>Rows are written when the watermark passes their events (event-time mode), so each phase ends
 * with an event at the same time M on every partition: the watermark rises to exactly {@code M -
 * delay - 1 ms} and no further until the next phase, and the expected rows up to there are known
 * (the pins themselves count once the next phase's watermark passes them). Replay-speed
 * independence has its own test, {@code EventTimeReplayITCase}.
 */
class RunningCountsITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = TaskManagerLoss.cluster();

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int PARTITIONS = 3;
    private static final long TIMEOUT = 5 * MINUTE;
    private static final long DELAY = MINUTE;

    private String input;
    private String output;
    private String dlq;

    @BeforeEach
    void topics() {
        input = KAFKA.uniqueTopic("user-events", PARTITIONS);
        output =
                KAFKA.uniqueTopic(
                        "running-counts", PARTITIONS, Map.of("cleanup.policy", "compact"));
        dlq = KAFKA.uniqueTopic("user-events-dlq", 1);
        FailOnce.reset();
    }

    @AfterEach
    void disarm() {
        FailOnce.reset();
    }

    private ParsedOptions options(String... extra) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--bootstrap-servers",
                                KAFKA.bootstrapServers(),
                                "--input-topic",
                                input,
                                "--output-topic",
                                output,
                                "--dlq-topic",
                                dlq,
                                "--group-id",
                                "it-" + input,
                                "--transactional-id-prefix",
                                "it-" + input,
                                "--starting-offsets",
                                "earliest",
                                "--checkpoint-interval",
                                "300ms",
                                "--parallelism",
                                "2",
                                "--watermark-delay",
                                "1m",
                                "--idleness",
                                "0s",
                                "--timeout-mode",
                                "event-time",
                                "--timeout",
                                "5m"));
        args.addAll(List.of(extra));
        ParsedOptions o = RunningCountsOptions.optionSet().parse(args.toArray(new String[0]));
        new RunningCountsJob().validate(o);
        return o;
    }

    private static JobClient start(ParsedOptions o, UnaryOperator<DataStream<UserEvent>> hook)
            throws Exception {
        StreamExecutionEnvironment env =
                JobEnvironment.create(o, RunningCountsJob.NAME, RuntimeExecutionMode.STREAMING);
        RunningCountsJob.buildPipeline(env, o, hook);
        return env.executeAsync(RunningCountsJob.NAME);
    }

    // ---- input ----

    private static int partitionOf(String user) {
        return Math.floorMod(user.hashCode(), PARTITIONS);
    }

    /**
     * Produces the events in event-time order (stable), each to its user's partition, so every
     * partition is in event-time order; returns them in the order each partition holds them.
     */
    private List<UserEvent> produceInTimeOrder(List<UserEvent> events) {
        List<UserEvent> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(e -> e.eventTime));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (UserEvent e : sorted) {
            records.add(
                    new ProducerRecord<>(
                            input,
                            partitionOf(e.userId),
                            e.userId.getBytes(StandardCharsets.UTF_8),
                            Json.event(e)));
        }
        KAFKA.client().produce(input, records);
        return sorted;
    }

    /** One user's events from {@code start}, at most 2 minutes apart, none after {@code end}. */
    private static List<UserEvent> activity(
            SplittableRandom r, String user, long start, long end, int events) {
        List<UserEvent> out = new ArrayList<>();
        long t = start;
        for (int i = 0; i < events && t <= end; i++) {
            out.add(
                    new UserEvent(
                            user + "-" + t, user, user + "-s" + r.nextInt(3), "click", t, null));
            t += r.nextLong(10, 121) * SECOND;
        }
        return out;
    }

    /** A user named so that it lands on the given partition. */
    private static String userOn(String prefix, int partition) {
        for (int i = 0; ; i++) {
            String name = prefix + "-" + i;
            if (partitionOf(name) == partition) return name;
        }
    }

    // ---- output ----

    private static String describe(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) return ExpectedUpdates.TOMBSTONE;
        try {
            JsonNode n = MAPPER.readTree(r.value());
            assertThat(n.get("user_id").asText())
                    .isEqualTo(new String(r.key(), StandardCharsets.UTF_8));
            assertThat(n.size()).isEqualTo(6);
            return ExpectedUpdates.describe(
                    n.get("status").asText(),
                    n.get("count").asLong(),
                    Instant.parse(n.get("first_seen").asText()).toEpochMilli(),
                    Instant.parse(n.get("last_seen").asText()).toEpochMilli(),
                    n.get("last_session").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.key(), StandardCharsets.UTF_8);
    }

    /** Per user, the rows in the order of the output topic (one user is in one partition). */
    private static Map<String, List<String>> sequences(List<ConsumerRecord<byte[], byte[]>> out) {
        Map<String, List<String>> seq = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            seq.computeIfAbsent(key(r), k -> new ArrayList<>()).add(describe(r));
        }
        return seq;
    }

    /** Each update once by identity: user, row, and which occurrence of that row it is. */
    private static List<String> updates(Map<String, List<String>> sequences) {
        List<String> ids = new ArrayList<>();
        sequences.forEach(
                (user, rows) -> {
                    Map<String, Integer> seen = new HashMap<>();
                    for (String row : rows) {
                        ids.add(user + "|" + row + "|" + seen.merge(row, 1, Integer::sum));
                    }
                });
        return ids;
    }

    /** What compaction leaves: the last value per key, deleted keys removed. */
    private static Map<String, String> upsertView(List<ConsumerRecord<byte[], byte[]>> out) {
        Map<String, String> view = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            if (r.value() == null) view.remove(key(r));
            else view.put(key(r), describe(r));
        }
        return view;
    }

    // ---- tests ----

    /** A fault injected mid-stream; given phase 2's size, once phase 1's output is committed. */
    @FunctionalInterface
    private interface Fault {
        void inject(int phase2Records) throws Exception;
    }

    @Test
    void afterAFailureMidStreamEveryUsersUpdateSequenceIsExactlyTheGroundTruth() throws Exception {
        exactlyOnceAcross(
                "task failure mid-stream (RocksDB)",
                stream -> stream.map(new FailOnce()).name("fail-once").uid("test.fail-once"),
                phase2 -> FailOnce.arm(phase2 / 3),
                job -> FailOnce.hasFailed());
    }

    @Test
    void afterLosingATaskManagerMidStreamEveryUsersUpdateSequenceIsExactlyTheGroundTruth(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        exactlyOnceAcross(
                "TaskManager lost mid-stream (RocksDB)",
                UnaryOperator.identity(),
                phase2 -> TaskManagerLoss.killOneAndReplace(cluster),
                job -> TaskManagerLoss.restarted(cluster, job.getJobID()));
    }

    private void exactlyOnceAcross(
            String fault,
            UnaryOperator<DataStream<UserEvent>> hook,
            Fault inject,
            InjectedFault.Check happened)
            throws Exception {
        SplittableRandom r = new SplittableRandom(3);
        ExpectedUpdates expected = new ExpectedUpdates(TIMEOUT);

        // Phase 1: 30 users between 10:00 and 10:10, a probe, then every partition pinned at
        // M1 = 10:14. The watermark can then reach W1 = 10:12:59.999 and no further.
        long m1 = at(14, 0);
        long w1 = m1 - DELAY - 1;
        List<UserEvent> phase1 = new ArrayList<>();
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String user = "u" + i;
            users.add(user);
            phase1.addAll(
                    activity(
                            r,
                            user,
                            at(0, 0) + r.nextLong(300) * SECOND,
                            at(10, 0),
                            1 + r.nextInt(6)));
        }
        // The probe expires exactly when the watermark reaches W1.
        UserEvent probe = new UserEvent("probe-1", "probe-1", "p", "click", w1 - TIMEOUT, null);
        phase1.add(probe);
        List<UserEvent> inOrder = new ArrayList<>(produceInTimeOrder(phase1));
        KAFKA.client().produce(input, 1, null, "{\"event_id\": \"broken\"");
        List<UserEvent> pins1 = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            pins1.add(new UserEvent("pin1-" + p, userOn("pin1", p), "p", "click", m1, null));
        }
        inOrder.addAll(produceInTimeOrder(pins1));
        inOrder.forEach(expected::event);
        expected.watermark(w1);

        JobClient job = start(options("--state-backend", "rocksdb"), hook);
        try {
            KAFKA.client()
                    .awaitRecords(
                            output,
                            records ->
                                    records.stream()
                                            .anyMatch(
                                                    x ->
                                                            key(x).equals("probe-1")
                                                                    && x.value() == null),
                            WAIT);

            // Phase 2, with a failure in the middle: expired users come back (from count 1), live
            // ones continue (their first new event at 10:14: within the timeout of their last
            // one, or a new session after a longer gap), new users arrive; then every partition
            // pinned at M2 = 10:26 (W2 = 10:24:59.999).
            long m2 = at(26, 0);
            long w2 = m2 - DELAY - 1;
            List<UserEvent> phase2 = new ArrayList<>();
            for (String user : users) {
                if (r.nextInt(3) == 0) continue;
                long start =
                        expected.isLive(user) ? at(14, 0) : at(14, 0) + r.nextLong(360) * SECOND;
                phase2.addAll(activity(r, user, start, at(24, 0), 1 + r.nextInt(6)));
            }
            for (int i = 0; i < 10; i++) {
                phase2.addAll(
                        activity(
                                r,
                                "n" + i,
                                at(14, 0) + r.nextLong(600) * SECOND,
                                at(24, 0),
                                1 + r.nextInt(4)));
            }
            inject.inject(phase2.size());
            List<UserEvent> inOrder2 = new ArrayList<>(produceInTimeOrder(phase2));
            List<UserEvent> pins2 = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                pins2.add(new UserEvent("pin2-" + p, userOn("pin2", p), "p", "click", m2, null));
            }
            inOrder2.addAll(produceInTimeOrder(pins2));
            inOrder2.forEach(expected::event);
            expected.watermark(w2);

            int total = expected.totalRows();
            KAFKA.client().awaitRecords(output, records -> records.size() >= total, WAIT);
            assertThat(happened.holds(job)).as("the injected fault happened").isTrue();
            job.cancel().get(30, TimeUnit.SECONDS);

            List<ConsumerRecord<byte[], byte[]>> out = KAFKA.client().readCommitted(output, WAIT);
            GuaranteeLedger.record(
                    getClass(),
                    "running-counts",
                    fault,
                    1,
                    GuaranteeLedger.compare(
                            updates(expected.sequences()), updates(sequences(out))));
            assertThat(sequences(out)).isEqualTo(expected.sequences());
            assertThat(out).hasSize(total);
            // The data covers every path: users expired, came back from 1 and expired again;
            // users continued across the phases; some are still live at the end.
            assertThat(
                            expected.sequences().values().stream()
                                    .filter(
                                            s ->
                                                    s.indexOf(ExpectedUpdates.TOMBSTONE)
                                                            != s.lastIndexOf(
                                                                    ExpectedUpdates.TOMBSTONE)))
                    .isNotEmpty();
            assertThat(
                            expected.sequences().values().stream()
                                    .filter(s -> s.stream().anyMatch(x -> x.contains("count=8"))))
                    .isNotEmpty();
            assertThat(expected.upsertView()).hasSizeBetween(PARTITIONS + 1, 40);
            assertThat(upsertView(out)).isEqualTo(expected.upsertView());
            assertThat(KAFKA.client().readCommitted(dlq, WAIT)).hasSize(1);
        } finally {
            cancelQuietly(job);
        }
    }

    @Test
    void createTopicsMakesTheOutputCompactedAndABoundedRunExpiresEveryUserAtTheEnd()
            throws Exception {
        SplittableRandom r = new SplittableRandom(4);
        List<UserEvent> events = new ArrayList<>();
        for (String user : List.of("alice", "bob", "carol", "dave")) {
            events.addAll(activity(r, user, at(0, 0) + r.nextLong(120) * SECOND, at(10, 0), 4));
        }
        List<UserEvent> inOrder = produceInTimeOrder(events);
        ExpectedUpdates expected = new ExpectedUpdates(TIMEOUT);
        inOrder.forEach(expected::event);
        expected.watermark(
                Long.MAX_VALUE); // the end of a bounded input: the watermark jumps to +inf

        String fresh = "created-" + System.nanoTime();
        int code =
                Launcher.run(
                        new String[] {
                            "running-counts",
                            "--bootstrap-servers",
                            KAFKA.bootstrapServers(),
                            "--input-topic",
                            input,
                            "--output-topic",
                            fresh + "-out",
                            "--dlq-topic",
                            fresh + "-dlq",
                            "--create-topics",
                            "--bounded",
                            "--starting-offsets",
                            "earliest",
                            "--checkpoint-interval",
                            "500ms",
                            "--state-backend",
                            "hashmap",
                            "--parallelism",
                            "2",
                            "--timeout-mode",
                            "event-time",
                            "--timeout",
                            "5m"
                        },
                        System.out,
                        System.err);
        assertThat(code).isZero();
        try (Admin admin = KAFKA.cluster().newAdmin()) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, fresh + "-out");
            Config config = admin.describeConfigs(List.of(topic)).all().get().get(topic);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        }
        List<ConsumerRecord<byte[], byte[]>> out =
                KAFKA.client().readCommitted(fresh + "-out", WAIT);
        assertThat(sequences(out)).isEqualTo(expected.sequences());
        assertThat(upsertView(out)).isEmpty();
    }

    private static void cancelQuietly(JobClient job) {
        try {
            job.cancel().get(30, TimeUnit.SECONDS);
        } catch (Exception alreadyGone) {
            // finished or cancelled already
        }
    }
}
