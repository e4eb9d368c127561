package dev.eventflow.jobs.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.Json;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.testing.GuaranteeLedger;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.jobs.TestEvents;
import dev.eventflow.jobs.dedup.DedupJob;
import dev.eventflow.jobs.dedup.DedupOptions;
import dev.eventflow.jobs.windowagg.Operators;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code window-aggregation} survives failures at the points of the two-phase commit where a bug
 * would lose or duplicate output: between a completed checkpoint and its commit, during a
 * checkpoint, and right after a restore (a failure while recovering from a failure). Each run: a
 * first batch is committed, the fault is armed, a second batch flows through the fault, the job
 * recovers through the suite's restart strategy ({@code --restart-backoff}) and the committed
 * output ({@code read_committed}) is compared window by window with the ground truth: nothing lost,
 * nothing twice.
 */
class FailurePointsITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(4);

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @BeforeEach
    @AfterEach
    void disarm() {
        CommitFault.reset();
        OperatorFault.reset();
    }

    @Test
    void aCheckpointCompletedButNotYetCommittedIsCommittedOnRestore() throws Exception {
        WindowRun run = new WindowRun(KAFKA);
        run.batch(61, 0, 30);
        JobClient job =
                run.start(
                        run.options(),
                        new Configuration(),
                        env -> CommitFault.install(env, Operators.SINK_RESULTS.uid(), true));
        try {
            run.awaitClosed(30);
            CommitFault.arm();
            run.batch(62, 30, 62);
            run.repinAfter(CommitFault::fired, 62);
            run.awaitClosed(62);
            job.cancel().get();

            assertThat(CommitFault.fired()).as("the commit was refused once").isTrue();
            // The restored committer committed exactly the refused transactions first: the
            // restore, not a later checkpoint, made them visible.
            assertThat(CommitFault.committedOnRestore())
                    .containsAll(CommitFault.refused())
                    .isNotEmpty();
            run.assertExact(
                    getClass(),
                    "failure between a completed checkpoint and its commit",
                    1,
                    WindowRun.closedUpTo(62));
        } finally {
            WindowRun.cancelQuietly(job);
        }
    }

    @Test
    void aFailureWhileTakingACheckpointLosesAndDuplicatesNothing() throws Exception {
        runWithOperatorFault(
                OperatorFault.Point.CHECKPOINT, false, "failure while taking a checkpoint", 63);
    }

    @Test
    void aSecondFailureRightAfterTheRestoreLosesAndDuplicatesNothing() throws Exception {
        runWithOperatorFault(
                OperatorFault.Point.RECORD,
                true,
                "failure mid-stream, then again right after the restore",
                65);
    }

    /**
     * The same fault on {@code dedup}, whose sink writes every first copy at once (each
     * checkpoint's transaction has records): every distinct event exactly once, copies dropped.
     */
    @Test
    void dedupCommitsTheCheckpointCompletedButNotYetCommittedOnRestore() throws Exception {
        String input = KAFKA.uniqueTopic("user-events", 3);
        String output = KAFKA.uniqueTopic("deduplicated-events", 3);
        String dlq = KAFKA.uniqueTopic("user-events-dlq", 1);
        ParsedOptions o =
                DedupOptions.optionSet()
                        .parse(
                                KAFKA.jobArgs(input)
                                        .with("--input-topic", input)
                                        .with("--output-topic", output)
                                        .with("--dlq-topic", dlq)
                                        .with("--parallelism", 2)
                                        .with("--watermark-delay", "1m")
                                        .with("--idleness", "0s")
                                        .with("--restart-backoff", "200ms")
                                        .toArray());
        StreamExecutionEnvironment env =
                JobEnvironment.create(o, DedupJob.NAME, RuntimeExecutionMode.STREAMING);
        DedupJob.buildPipeline(env, o, UnaryOperator.identity());
        CommitFault.install(env, dev.eventflow.jobs.dedup.Operators.SINK_EVENTS.uid(), true);

        Set<String> distinct = new HashSet<>(produceWithCopies(input, 91, 0));
        JobClient job = env.executeAsync(DedupJob.NAME);
        try {
            int phase1 = distinct.size();
            KAFKA.client().awaitRecords(output, r -> r.size() >= phase1, WindowRun.WAIT);
            CommitFault.arm();
            distinct.addAll(produceWithCopies(input, 92, 12));
            KAFKA.client().awaitRecords(output, r -> r.size() >= distinct.size(), WindowRun.WAIT);
            job.cancel().get();

            assertThat(CommitFault.fired()).as("the commit was refused once").isTrue();
            assertThat(CommitFault.committedOnRestore())
                    .containsAll(CommitFault.refused())
                    .isNotEmpty();
            List<String> written = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r :
                    KAFKA.client().readCommitted(output, WindowRun.WAIT)) {
                written.add(MAPPER.readTree(r.value()).get("event_id").asText());
            }
            GuaranteeLedger.Count c =
                    GuaranteeLedger.record(
                            getClass(),
                            DedupJob.NAME,
                            "failure between a completed checkpoint and its commit",
                            1,
                            GuaranteeLedger.compare(distinct, written));
            System.out.println("FAULT dedup, between checkpoint completion and commit: " + c);
            assertThat(written).containsExactlyInAnyOrderElementsOf(distinct);
            assertThat(c.lost()).isZero();
            assertThat(c.duplicated()).isZero();
        } finally {
            WindowRun.cancelQuietly(job);
        }
    }

    /**
     * 400 events over 10 minutes from {@code T0 + fromMinute}, a second copy of every fourth on
     * another partition, and a pin at +12m on every partition, each partition in event-time order.
     *
     * @return the distinct event ids
     */
    private static List<String> produceWithCopies(String input, long seed, long fromMinute) {
        List<UserEvent> events = new ArrayList<>();
        for (UserEvent e : TestEvents.seeded(seed, 400, 20, 10, 0)) {
            e.eventTime += fromMinute * TestEvents.MINUTE;
            events.add(e);
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            UserEvent e = events.get(i);
            ids.add(e.eventId);
            records.add(record(input, i % 3, e));
            if (i % 4 == 0) records.add(record(input, (i + 1) % 3, e));
        }
        for (int p = 0; p < 3; p++) {
            UserEvent pin = TestEvents.event("pin-" + p, "p", TestEvents.at(fromMinute + 12, 0));
            ids.add(pin.eventId);
            records.add(record(input, p, pin));
        }
        KAFKA.client().produce(input, records);
        return ids;
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int partition, UserEvent e) {
        return new ProducerRecord<>(
                topic, partition, e.userId.getBytes(StandardCharsets.UTF_8), Json.event(e));
    }

    private void runWithOperatorFault(
            OperatorFault.Point point, boolean thenAfterRestore, String fault, long seed)
            throws Exception {
        WindowRun run = new WindowRun(KAFKA);
        run.batch(seed, 0, 30);
        JobClient job = run.start(run.options(), new Configuration(), env -> {});
        try {
            run.awaitClosed(30);
            OperatorFault.arm(point, thenAfterRestore);
            run.batch(seed + 1, 30, 62);
            run.repinAfter(() -> OperatorFault.fired() > 0, 62);
            run.awaitClosed(62);
            job.cancel().get();

            assertThat(OperatorFault.fired())
                    .as("injected failures")
                    .isEqualTo(thenAfterRestore ? 2 : 1);
            run.assertExact(getClass(), fault, thenAfterRestore ? 2 : 1, WindowRun.closedUpTo(62));
        } finally {
            WindowRun.cancelQuietly(job);
        }
    }
}
