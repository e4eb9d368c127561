package dev.eventflow.jobs.diagnose;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.Json;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.jobs.Launcher;
import dev.eventflow.jobs.TestEvents;
import dev.eventflow.jobs.windowagg.WindowAggregationJob;
import dev.eventflow.jobs.windowagg.WindowAggregationOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code diagnose} against a real Kafka broker and a real Flink MiniCluster: the Kafka part of the
 * report (partitions, committed offsets and lag, newest event time, an empty partition, output
 * visible only read_uncommitted) on hand-made topics, and the Flink part (job, watermarks,
 * checkpoints over the REST API) against a running {@code window-aggregation}.
 */
class DiagnoseITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(4);

    private static final Duration WAIT = Duration.ofSeconds(90);

    private String input;
    private String output;

    @BeforeEach
    void topics() {
        input = KAFKA.uniqueTopic("user-events", 3);
        output = KAFKA.uniqueTopic("processed-user-events", 2);
    }

    private record Result(int code, String out, String err) {}

    private static Result diagnose(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("diagnose"));
        all.addAll(List.of(args));
        int code =
                Launcher.run(
                        all.toArray(new String[0]),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private void produce(String topic, int partition, UserEvent... events) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (UserEvent e : events) {
            records.add(
                    new ProducerRecord<>(
                            topic,
                            partition,
                            e.userId.getBytes(StandardCharsets.UTF_8),
                            Json.event(e)));
        }
        KAFKA.client().produce(topic, records);
    }

    /** Writes {@code n} records to {@code partition} in a transaction that is then aborted. */
    private void produceAborted(String topic, int partition, int n) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "aborter-" + topic);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < n; i++) {
                producer.send(
                        new ProducerRecord<>(
                                topic,
                                partition,
                                null,
                                ("r" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
            producer.abortTransaction();
        }
    }

    private void commitOffsets(String group, Map<TopicPartition, OffsetAndMetadata> offsets)
            throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            admin.alterConsumerGroupOffsets(group, offsets).all().get();
        }
    }

    @Test
    void reportsPartitionsLagTheEmptyPartitionAndOutputVisibleOnlyUncommitted() throws Exception {
        // p0: 5 events, p1: 3 events, p2: nothing.
        List<UserEvent> p0 = new ArrayList<>();
        for (int i = 0; i < 5; i++) p0.add(TestEvents.event("u" + i, "s", T0 + i * MINUTE));
        produce(input, 0, p0.toArray(new UserEvent[0]));
        produce(
                input,
                1,
                TestEvents.event("a", "s", T0),
                TestEvents.event("b", "s", T0 + MINUTE),
                TestEvents.event("c", "s", T0 + 7 * MINUTE));
        produceAborted(output, 0, 3);
        String group = "diag-" + input;
        commitOffsets(
                group,
                Map.of(
                        new TopicPartition(input, 0), new OffsetAndMetadata(2),
                        new TopicPartition(input, 1), new OffsetAndMetadata(3)));

        Result r =
                diagnose(
                        "--bootstrap-servers",
                        KAFKA.bootstrapServers(),
                        "--input-topic",
                        input,
                        "--output-topic",
                        output,
                        "--group-id",
                        group,
                        "--idleness",
                        "0s");

        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(Diagnose.EXIT_PROBLEM);
        assertThat(r.out())
                .contains("input topic '" + input + "': 3 partitions")
                .containsPattern(
                        "p0 +offsets 0\\.\\.5  committed 2  lag 3  newest: timestamp \\S+,"
                                + " event_time "
                                + Instant.ofEpochMilli(T0 + 4 * MINUTE))
                .containsPattern(
                        "p1 +offsets 0\\.\\.3  committed 3  lag 0  newest: timestamp \\S+,"
                                + " event_time "
                                + Instant.ofEpochMilli(T0 + 7 * MINUTE))
                .containsPattern("p2 +offsets 0\\.\\.0 EMPTY  committed -\n")
                .contains("output topic '" + output + "': 2 partitions")
                .containsPattern(
                        "p0 +offsets \\d+\\.\\.\\d+  visible read_committed 0, read_uncommitted 3")
                .contains(
                        "ok: input topic '" + input + "' holds 8 records in 3 partitions\n",
                        "PROBLEM: partition(s) [2] of '"
                                + input
                                + "' hold no data and idleness is off (--idleness 0)",
                        "ok: group '" + group + "' is 3 records behind the end of '" + input,
                        "PROBLEM: output topic '"
                                + output
                                + "' has 3 records visible only read_uncommitted, none"
                                + " read_committed");

        // With the jobs' default idleness the empty partition stops being a problem.
        Result withIdleness =
                diagnose(
                        "--bootstrap-servers",
                        KAFKA.bootstrapServers(),
                        "--input-topic",
                        input,
                        "--output-topic",
                        output,
                        "--group-id",
                        group);
        assertThat(withIdleness.out())
                .contains("ok: partition(s) [2] of '" + input + "' are empty; with --idleness 1m")
                .doesNotContain("PROBLEM: partition(s)");
    }

    @Test
    void unreachableKafkaExitsOneAndBadOptionsExitTwo() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Result unreachable =
                diagnose(
                        "--bootstrap-servers",
                        "localhost:" + closedPort,
                        "--group-id",
                        "g",
                        "--timeout",
                        "2s");
        assertThat(unreachable.code()).as(unreachable.err()).isEqualTo(1);
        assertThat(unreachable.err()).contains("cannot reach Kafka");

        Result bad = diagnose("--bootstrap-servers", "x:1", "--timeout", "soon");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--timeout");
        Result noGroup = diagnose("--bootstrap-servers", "x:1");
        assertThat(noGroup.code()).isEqualTo(2);
        assertThat(noGroup.err()).contains("--group-id");
    }

    @Test
    void reportsTheRunningJobsWatermarkAndCheckpointsOverRest(
            @InjectClusterClient ClusterClient<?> cluster) throws Exception {
        String late = KAFKA.uniqueTopic("late-user-events", 1);
        String dlq = KAFKA.uniqueTopic("user-events-dlq", 1);
        String in = KAFKA.uniqueTopic("user-events", 2);
        // Both partitions end at the same event time M = T0 + 20m, so the watermark settles at
        // M - 10m - 1ms: 10 minutes behind the newest event, exactly the watermark delay.
        for (int p = 0; p < 2; p++) {
            List<UserEvent> events = new ArrayList<>();
            for (int m = 0; m <= 20; m++)
                events.add(TestEvents.event("u" + p, "s", T0 + m * MINUTE));
            produce(in, p, events.toArray(new UserEvent[0]));
        }
        String group = "diag-" + in;
        ParsedOptions o =
                WindowAggregationOptions.optionSet()
                        .parse(
                                "--bootstrap-servers",
                                KAFKA.bootstrapServers(),
                                "--input-topic",
                                in,
                                "--output-topic",
                                output,
                                "--late-topic",
                                late,
                                "--dlq-topic",
                                dlq,
                                "--group-id",
                                group,
                                "--transactional-id-prefix",
                                "diag-" + in,
                                "--starting-offsets",
                                "earliest",
                                "--checkpoint-interval",
                                "300ms",
                                "--parallelism",
                                "2");
        StreamExecutionEnvironment env =
                JobEnvironment.create(o, WindowAggregationJob.NAME, RuntimeExecutionMode.STREAMING);
        WindowAggregationJob.buildPipeline(env, o, UnaryOperator.identity());
        JobClient job = env.executeAsync(WindowAggregationJob.NAME);
        try {
            // Windows up to the watermark have been committed to the output.
            KAFKA.client().awaitRecords(output, records -> !records.isEmpty(), WAIT);
            String[] args = {
                "--bootstrap-servers",
                KAFKA.bootstrapServers(),
                "--rest-url",
                cluster.getWebInterfaceURL(),
                "--job",
                WindowAggregationJob.NAME,
                "--input-topic",
                in,
                "--output-topic",
                output,
                "--group-id",
                group
            };
            // Offsets are committed and the watermark settles a checkpoint or two later.
            long deadline = System.nanoTime() + WAIT.toNanos();
            Result r = diagnose(args);
            while (r.code() != 0 && System.nanoTime() < deadline) r = diagnose(args);

            assertThat(r.code()).as(r.out() + r.err()).isZero();
            long watermark = T0 + 10 * MINUTE - 1;
            assertThat(r.out())
                    .contains("== Flink (" + cluster.getWebInterfaceURL() + ") ==")
                    .contains(" " + WindowAggregationJob.NAME + " RUNNING")
                    .contains("watermark " + Instant.ofEpochMilli(watermark))
                    .contains("ok: job '" + WindowAggregationJob.NAME + "' is RUNNING")
                    .contains(
                            "ok: watermark "
                                    + Instant.ofEpochMilli(watermark)
                                    + " trails the newest event time "
                                    + Instant.ofEpochMilli(T0 + 20 * MINUTE)
                                    + " by 10m")
                    .containsPattern("ok: \\d+ checkpoints of 'window-aggregation' completed")
                    // state and checkpoint sizes per operator, from the checkpoint statistics
                    .containsPattern(
                            "== State \\(REST "
                                    + Pattern.quote(cluster.getWebInterfaceURL())
                                    + "\\) ==\n  full state size: .+ \\(\\d+ points\\)\n  .+: state"
                                    + " .+, checkpointed .+\n")
                    .containsPattern("ok: (state .+, too few to judge growth|state .+ not growing)")
                    .contains("ok: no new records since group '" + group + "'")
                    .containsPattern(
                            "ok: output topic '"
                                    + output
                                    + "' has \\d+ records visible read_committed")
                    .doesNotContain("PROBLEM");
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void eventsThatAllCarryTheSameTimestampAreAProblem() throws Exception {
        // A producer that stamps every event with one time (here T0), on every partition.
        for (int p = 0; p < 3; p++) {
            List<UserEvent> events = new ArrayList<>();
            for (int i = 0; i < 12; i++) events.add(TestEvents.event("u" + i, "s" + p, T0));
            produce(input, p, events.toArray(new UserEvent[0]));
        }
        Result r =
                diagnose(
                        "--bootstrap-servers",
                        KAFKA.bootstrapServers(),
                        "--input-topic",
                        input,
                        "--output-topic",
                        output,
                        "--group-id",
                        "diag-" + input);
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(Diagnose.EXIT_PROBLEM);
        assertThat(r.out())
                .contains(
                        "PROBLEM: all 36 newest events of '"
                                + input
                                + "' carry the same event_time "
                                + Instant.ofEpochMilli(T0));

        // One event with another time: the sample spans a range, no such problem.
        produce(input, 1, TestEvents.event("v", "s", T0 + MINUTE));
        Result spread =
                diagnose(
                        "--bootstrap-servers",
                        KAFKA.bootstrapServers(),
                        "--input-topic",
                        input,
                        "--output-topic",
                        output,
                        "--group-id",
                        "diag-" + input);
        assertThat(spread.out())
                .doesNotContain("carry the same event_time")
                .contains(
                        "ok: the 37 newest events of '"
                                + input
                                + "' span event times "
                                + Instant.ofEpochMilli(T0)
                                + " .. "
                                + Instant.ofEpochMilli(T0 + MINUTE));
    }
}
