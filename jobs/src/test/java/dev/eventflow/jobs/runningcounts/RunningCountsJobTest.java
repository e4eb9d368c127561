package dev.eventflow.jobs.runningcounts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.jobs.Launcher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The command line, the output format and the job graph of {@code running-counts}. */
class RunningCountsJobTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int launch(String... args) throws Exception {
        return Launcher.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsTheTimeoutOptions() throws Exception {
        assertThat(launch("running-counts", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("--timeout-mode none|processing-time|event-time")
                .contains("[default: none]")
                .contains("--timeout <duration>")
                .contains("--state-ttl <duration>");
    }

    @Test
    void aTimeoutModeWithoutTimeoutIsRefusedNamingTheOption() throws Exception {
        assertThat(
                        launch(
                                "running-counts",
                                "--bootstrap-servers",
                                "b:1",
                                "--timeout-mode",
                                "event-time"))
                .isEqualTo(2);
        assertThat(stderr()).contains("--timeout is required (> 0) with --timeout-mode event-time");
        err.reset();
        assertThat(
                        launch(
                                "running-counts",
                                "--bootstrap-servers",
                                "b:1",
                                "--timeout-mode",
                                "processing-time",
                                "--timeout",
                                "0s"))
                .isEqualTo(2);
        assertThat(stderr())
                .contains("--timeout is required (> 0) with --timeout-mode processing-time");
        err.reset();
        assertThat(launch("running-counts", "--bootstrap-servers", "b:1", "--timeout", "30m"))
                .isEqualTo(2);
        assertThat(stderr()).contains("--timeout 30m has no effect with --timeout-mode none");
        err.reset();
        assertThat(launch("running-counts", "--bootstrap-servers", "b:1", "--timeout-mode", "wall"))
                .isEqualTo(2);
        assertThat(stderr())
                .contains("--timeout-mode: 'wall' is not one of none|processing-time|event-time");
    }

    @Test
    void updatesAreJsonKeyedByUserAndTombstonesHaveANullValue() {
        UserActivity a =
                UserActivity.first(Instant.parse("2026-01-01T10:00:10Z").toEpochMilli(), "s1");
        a.add(Instant.parse("2026-01-01T10:00:40.250Z").toEpochMilli(), "s2");
        ActivityUpdateSerializationSchema schema = new ActivityUpdateSerializationSchema("out");
        ProducerRecord<byte[], byte[]> update =
                schema.serialize(ActivityUpdate.of("alice", a, ActivityUpdate.ACTIVE), null, null);
        assertThat(update.topic()).isEqualTo("out");
        assertThat(new String(update.key(), StandardCharsets.UTF_8)).isEqualTo("alice");
        assertThat(new String(update.value(), StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\"user_id\":\"alice\",\"count\":2,\"first_seen\":\"2026-01-01T10:00:10Z\","
                                + "\"last_seen\":\"2026-01-01T10:00:40.250Z\",\"last_session\":\"s2\","
                                + "\"status\":\"active\"}");
        ProducerRecord<byte[], byte[]> tombstone =
                schema.serialize(ActivityUpdate.tombstone("alice"), null, null);
        assertThat(new String(tombstone.key(), StandardCharsets.UTF_8)).isEqualTo("alice");
        assertThat(tombstone.value()).isNull();
    }

    @Test
    void everyOperatorHasAUidAndNoTypeFallsBackToKryo() {
        ParsedOptions o =
                RunningCountsOptions.optionSet()
                        .parse(
                                "--bootstrap-servers",
                                "b:1",
                                "--timeout-mode",
                                "event-time",
                                "--timeout",
                                "30m",
                                "--state-ttl",
                                "1d");
        new RunningCountsJob().validate(o);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        JobEnvironment.configuration(
                                o, RunningCountsJob.NAME, RuntimeExecutionMode.STREAMING));
        new RunningCountsJob().buildPipeline(env, o);
        StreamGraph graph = env.getStreamGraph();
        assertThat(graph.getStreamNodes())
                .extracting(StreamNode::getTransformationUID)
                .contains(
                        Operators.SOURCE.uid(),
                        Operators.ROUTE_DEAD_LETTERS.uid(),
                        Operators.RUNNING_COUNT.uid())
                .doesNotContainNull();
        assertThat(graph.getJobGraph().getVertices()).isNotEmpty();
    }
}
