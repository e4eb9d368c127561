package dev.eventflow.jobs.windowagg;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.Json;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.testing.KafkaExtension;
import dev.eventflow.jobs.TestEvents;
import dev.eventflow.jobs.windowstats.WindowResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Savepoint upgrades of {@code window-aggregation} on a real Kafka broker and a Flink MiniCluster:
 * the runbook in docs/operations.md, executed.
 *
 * <ul>
 *   <li>v1 (parallelism 1) runs unbounded and is stopped with a savepoint while windows are open;
 *       v2 (an extra output field, {@code job_version}, and parallelism 2) restores it and finishes
 *       {@code --bounded}: the output topic, read with read_committed, holds every window exactly
 *       once, equal to the ground truth, the windows that straddle the upgrade included.
 *   <li>v2 with the window operator's uid changed cannot restore: the submission fails and says
 *       which state has no home and how to skip it.
 * </ul>
 */
class SavepointUpgradeITCase {

    @RegisterExtension static final KafkaExtension KAFKA = new KafkaExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(4);

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long SIZE = 5 * MINUTE;
    private static final long SLIDE = MINUTE;

    @TempDir Path savepoints;

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
                                "--late-topic",
                                late,
                                "--dlq-topic",
                                dlq,
                                "--group-id",
                                "upgrade-" + input,
                                // The same prefix across versions, as in a real upgrade.
                                "--transactional-id-prefix",
                                "upgrade-" + input,
                                "--starting-offsets",
                                "earliest",
                                "--checkpoint-interval",
                                "300ms",
                                "--state-backend",
                                "rocksdb"));
        args.addAll(List.of(extra));
        return WindowAggregationOptions.optionSet().parse(args.toArray(new String[0]));
    }

    /** Builds the production pipeline, lets the test edit the graph, submits it. */
    private static JobClient submit(
            ParsedOptions o,
            SavepointRestoreSettings restore,
            Consumer<StreamExecutionEnvironment> edit)
            throws Exception {
        StreamExecutionEnvironment env =
                JobEnvironment.create(o, WindowAggregationJob.NAME, RuntimeExecutionMode.STREAMING);
        new WindowAggregationJob().buildPipeline(env, o);
        edit.accept(env);
        StreamGraph graph = env.getStreamGraph();
        graph.setSavepointRestoreSettings(restore);
        return env.executeAsync(graph);
    }

    private void produce(List<UserEvent> events) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            UserEvent e = events.get(i);
            records.add(
                    new ProducerRecord<>(
                            input,
                            i % 3,
                            e.userId.getBytes(StandardCharsets.UTF_8),
                            Json.event(e)));
        }
        KAFKA.client().produce(input, records);
    }

    /** One event at {@code time} on every partition: the watermark can reach time - 10m - 1ms. */
    private List<UserEvent> pins(long time) {
        List<UserEvent> pins = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            UserEvent pin = TestEvents.event("pin-" + p, "pin-session", time);
            pins.add(pin);
            records.add(
                    new ProducerRecord<>(
                            input,
                            p,
                            pin.userId.getBytes(StandardCharsets.UTF_8),
                            Json.event(pin)));
        }
        KAFKA.client().produce(input, records);
        return pins;
    }

    /** A window row as written, with the field only v2 writes. */
    private static final class Row {
        final WindowResult result = new WindowResult();
        String jobVersion;
    }

    private static Row parse(ConsumerRecord<byte[], byte[]> r) {
        try {
            JsonNode n = MAPPER.readTree(r.value());
            Row row = new Row();
            WindowResult w = row.result;
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
            row.jobVersion = n.has("job_version") ? n.get("job_version").asText() : null;
            return row;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Row> rows(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(SavepointUpgradeITCase::parse).toList();
    }

    private static Predicate<List<ConsumerRecord<byte[], byte[]>>> containsWindow(
            String user, long end) {
        return records ->
                rows(records).stream()
                        .anyMatch(r -> r.result.userId.equals(user) && r.result.windowEnd == end);
    }

    /**
     * Runs v1 until the window ending at T0+20m is committed, with windows up to T0+35m still open
     * in its state, and stops it with a savepoint.
     */
    private String runV1AndStopWithSavepoint(List<UserEvent> all) throws Exception {
        List<UserEvent> batch1 = TestEvents.seeded(71, 900, 10, 29, 2 * MINUTE);
        produce(batch1);
        all.addAll(batch1);
        UserEvent probe = TestEvents.event("probe-1", "p", at(19, 0));
        produce(List.of(probe));
        all.add(probe);
        all.addAll(pins(at(30, 0)));

        JobClient v1 =
                submit(options("--parallelism", "1"), SavepointRestoreSettings.none(), env -> {});
        try {
            KAFKA.client().awaitRecords(output, containsWindow("probe-1", at(20, 0)), WAIT);
            return v1.stopWithSavepoint(
                            false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get();
        } catch (Exception e) {
            v1.cancel();
            throw e;
        }
    }

    @Test
    void v2WithANewFieldAndMoreParallelismResumesFromV1sSavepointWithoutLosingAWindow()
            throws Exception {
        List<UserEvent> all = new ArrayList<>();
        String savepoint = runV1AndStopWithSavepoint(all);
        List<Row> fromV1 = rows(KAFKA.client().readCommitted(output, WAIT));
        assertThat(fromV1).isNotEmpty().allMatch(r -> r.jobVersion == null);

        // While no job runs, traffic continues.
        List<UserEvent> batch2 = new ArrayList<>();
        for (UserEvent e : TestEvents.seeded(72, 900, 10, 29, 2 * MINUTE)) {
            e.eventTime += 30 * MINUTE;
            batch2.add(e);
        }
        produce(batch2);
        all.addAll(batch2);

        JobClient v2 =
                submit(
                        options("--parallelism", "2", "--job-version", "v2", "--bounded"),
                        SavepointRestoreSettings.forPath(savepoint, false),
                        env -> {});
        v2.getJobExecutionResult().get(WAIT.toSeconds() * 2, TimeUnit.SECONDS);

        List<Row> written = rows(KAFKA.client().readCommitted(output, WAIT));
        // Every window exactly once, v1's and v2's together, equal to the ground truth.
        ExpectedWindows.assertExactlyOnce(
                getClass(),
                "window-aggregation",
                "stop with savepoint, upgrade v1 -> v2 at parallelism 1 -> 2",
                1,
                ExpectedWindows.compute(all, SIZE, SLIDE, Long.MAX_VALUE),
                written.stream().map(r -> r.result).toList(),
                12);
        List<Row> fromV2 = written.stream().filter(r -> r.jobVersion != null).toList();
        assertThat(fromV2).isNotEmpty().allMatch(r -> r.jobVersion.equals("v2"));
        assertThat(written).hasSize(fromV1.size() + fromV2.size());
        // The windows open at the savepoint came out of v2 with v1's events in them: restored
        // state, not a recount from the upgrade point.
        Map<String, ExpectedWindows.Row> expected =
                ExpectedWindows.compute(all, SIZE, SLIDE, Long.MAX_VALUE);
        assertThat(fromV2)
                .anyMatch(
                        r ->
                                r.result.windowStart < at(30, 0)
                                        && r.result.windowEnd > at(30, 0)
                                        && r.result.events
                                                == expected.get(
                                                                ExpectedWindows.key(
                                                                        r.result.userId,
                                                                        r.result.windowStart,
                                                                        r.result.windowEnd))
                                                        .events);
        assertThat(KAFKA.client().readCommitted(late, WAIT)).isEmpty();
    }

    @Test
    void aChangedOperatorUidCannotRestoreAndTheFailureSaysWhy() throws Exception {
        String savepoint = runV1AndStopWithSavepoint(new ArrayList<>());

        // The classic mistake: the window operator's uid changed between versions.
        Consumer<StreamExecutionEnvironment> renameWindowUid =
                env -> {
                    for (Transformation<?> sink : env.getTransformations()) {
                        for (Transformation<?> t : sink.getTransitivePredecessors()) {
                            if (Operators.WINDOW.uid().equals(t.getUid())) {
                                t.setUid("window-aggregation.window-renamed");
                            }
                        }
                    }
                };
        Throwable failure =
                catchThrowable(
                        () ->
                                submit(
                                                options("--parallelism", "1", "--bounded"),
                                                SavepointRestoreSettings.forPath(savepoint, false),
                                                renameWindowUid)
                                        .getJobExecutionResult()
                                        .get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertThat(failure).isNotNull();
        String message = ExceptionUtils.stringifyException(failure);
        assertThat(message)
                .contains("Cannot map checkpoint/savepoint state for operator")
                .contains("allowNonRestoredState");
        // Nothing was written by the failed attempt.
        assertThat(rows(KAFKA.client().readCommitted(output, WAIT)))
                .allMatch(r -> r.jobVersion == null);
    }
}
