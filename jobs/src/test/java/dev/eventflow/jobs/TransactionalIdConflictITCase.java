package dev.eventflow.jobs;

import static dev.eventflow.jobs.TestEvents.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.Json;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.testing.JobArgs;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.jobs.dedup.DedupJob;
import dev.eventflow.jobs.dedup.DedupOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two deployments with one transactional id prefix are caught at start-up, on a real broker: while
 * deployment A runs, a second deployment with A's prefix is refused (exit 1, a message naming the
 * prefix and what to do) before it creates a single producer, and A keeps running and writing
 * exactly once. Once A is stopped, a deployment with the same prefix (A's successor, or A restored)
 * starts: a stopped predecessor's transactions never block it.
 */
class TransactionalIdConflictITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(4);

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);

    private record Run(int exitCode, String out, String err) {}

    /** Runs {@code dedup} with {@code args} through the launcher, as {@code java -jar} would. */
    private static Run launchDedup(JobArgs args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("dedup"));
        argv.addAll(List.of(args.toArray("--bounded")));
        return launch(argv.toArray(new String[0]));
    }

    private static Run launch(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                Launcher.run(
                        args,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static List<UserEvent> produce(String topic, String prefix, int count) {
        List<UserEvent> events = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            UserEvent e = TestEvents.event("u" + (i % 7), prefix + i, at(0, i));
            events.add(e);
            records.add(
                    new ProducerRecord<>(
                            topic, e.userId.getBytes(StandardCharsets.UTF_8), Json.event(e)));
        }
        KAFKA.client().produce(topic, records);
        return events;
    }

    /** event_id -> times written, on {@code topic} read with read_committed. */
    private static Map<String, Integer> written(String topic) throws Exception {
        Map<String, Integer> times = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KAFKA.client().readCommitted(topic, WAIT)) {
            times.merge(MAPPER.readTree(r.value()).get("event_id").asText(), 1, Integer::sum);
        }
        return times;
    }

    private static Map<String, Integer> once(List<UserEvent> events) {
        Map<String, Integer> expected = new HashMap<>();
        events.forEach(e -> expected.put(e.eventId, 1));
        return expected;
    }

    @Test
    void aSecondDeploymentWithARunningDeploymentsPrefixIsRefusedAndASuccessorIsNot()
            throws Exception {
        String input = KAFKA.uniqueTopic("user-events", 2);
        String outputA = KAFKA.uniqueTopic("deduplicated-a", 2);
        String outputB = KAFKA.uniqueTopic("deduplicated-b", 2);
        String dlq = KAFKA.uniqueTopic("user-events-dlq", 1);
        String prefix = "shared-" + System.nanoTime();
        List<UserEvent> events = produce(input, "e", 60);

        JobArgs common =
                KAFKA.jobArgs(input)
                        .with("--input-topic", input)
                        .with("--dlq-topic", dlq)
                        .with("--transactional-id-prefix", prefix)
                        .with("--parallelism", 2)
                        .with("--state-backend", "hashmap")
                        .with("--idleness", "0s");
        ParsedOptions a =
                DedupOptions.optionSet().parse(common.with("--output-topic", outputA).toArray());
        StreamExecutionEnvironment env =
                JobEnvironment.create(a, DedupJob.NAME, RuntimeExecutionMode.STREAMING);
        DedupJob.buildPipeline(env, a, UnaryOperator.identity());
        JobClient deploymentA = env.executeAsync(DedupJob.NAME);
        List<UserEvent> all = new ArrayList<>(events);
        try {
            KAFKA.client().awaitRecords(outputA, r -> r.size() >= events.size(), WAIT);

            // Same prefix, another output topic: a copy of A submitted by mistake. --bounded so
            // that, were it wrongly accepted, the test would end rather than hang.
            long started = System.nanoTime();
            Run b =
                    launchDedup(
                            common.with("--output-topic", outputB)
                                    .with("--transactional-id-check", "1s"));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(b.exitCode()).as(b.err()).isEqualTo(1);
            assertThat(b.err())
                    .contains(
                            "another deployment is writing with the transactional id prefix '"
                                    + prefix
                                    + "'")
                    .contains("--transactional-id-prefix")
                    .contains("new transactional id " + prefix + "-");
            assertThat(took)
                    .as("refused within the watch, not after a restart loop")
                    .isLessThan(Duration.ofSeconds(30));
            assertThat(KAFKA.client().readCommitted(outputB, WAIT)).as("B wrote nothing").isEmpty();

            // A was not disturbed: still running, and every event still written exactly once.
            assertThat(deploymentA.getJobStatus().get(10, TimeUnit.SECONDS))
                    .isEqualTo(JobStatus.RUNNING);
            all.addAll(produce(input, "f", 20));
            KAFKA.client().awaitRecords(outputA, r -> r.size() >= all.size(), WAIT);
            assertThat(written(outputA)).isEqualTo(once(all));
        } finally {
            deploymentA.cancel().get(30, TimeUnit.SECONDS);
        }

        // A is gone; its transactions are still listed. Its successor starts and writes.
        Run c = launchDedup(common);
        assertThat(c.exitCode()).as(c.err()).isZero();
        assertThat(c.err()).doesNotContain("another deployment");
        assertThat(written(outputB)).isEqualTo(once(all));
    }
}
