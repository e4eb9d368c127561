package dev.eventflow.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.jobs.Launcher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** The command line (range validation) and the BATCH job graph (uids, no Kryo). */
class ReconcileJobTest {

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int launch(String... args) throws Exception {
        return Launcher.run(
                args,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theRangeIsRequiredAndMustBeTimes() throws Exception {
        assertThat(launch("reconcile", "--bootstrap-servers", "b:1", "--to", "0")).isEqualTo(2);
        assertThat(stderr()).contains("missing required option --from");
        err.reset();
        assertThat(
                        launch(
                                "reconcile",
                                "--bootstrap-servers",
                                "b:1",
                                "--from",
                                "yesterday",
                                "--to",
                                "2026-01-02T00:00:00Z"))
                .isEqualTo(2);
        assertThat(stderr()).contains("--from must be an ISO-8601 instant");
    }

    @Test
    void theRangeMustBeForwardAndHoldAWholeWindow() throws Exception {
        assertThat(
                        launch(
                                "reconcile",
                                "--bootstrap-servers",
                                "b:1",
                                "--from",
                                "2026-01-02T00:00:00Z",
                                "--to",
                                "2026-01-01T00:00:00Z"))
                .isEqualTo(2);
        assertThat(stderr())
                .contains("--to 2026-01-01T00:00:00Z must be after --from 2026-01-02T00:00:00Z");
        err.reset();
        assertThat(
                        launch(
                                "reconcile",
                                "--bootstrap-servers",
                                "b:1",
                                "--from",
                                "2026-01-01T00:00:30Z",
                                "--to",
                                "2026-01-01T00:05:30Z"))
                .isEqualTo(2);
        assertThat(stderr()).contains("holds no whole window of --window-size 5m");
    }

    @Test
    void batchOnlyOptionsAreNotOffered() throws Exception {
        assertThat(
                        launch(
                                "reconcile",
                                "--bootstrap-servers",
                                "b:1",
                                "--from",
                                "0",
                                "--to",
                                "3600000",
                                "--bounded"))
                .isEqualTo(2);
        assertThat(stderr()).contains("unknown option --bounded");
    }

    @Test
    void thePipelineRunsInBatchModeWithAUidOnEveryOperatorAndNoGenericTypes() {
        ReconcileJob job = new ReconcileJob();
        assertThat(job.executionMode()).isEqualTo(RuntimeExecutionMode.BATCH);
        ParsedOptions o =
                ReconcileOptions.optionSet()
                        .parse(
                                "--bootstrap-servers",
                                "localhost:1",
                                "--from",
                                "2026-01-01T00:00:00Z",
                                "--to",
                                "1767229200000");
        assertThat(ReconcileOptions.range(o).toMs - ReconcileOptions.range(o).fromMs)
                .isEqualTo(3_600_000L);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        JobEnvironment.configuration(o, ReconcileJob.NAME, job.executionMode()));
        job.buildPipeline(env, o);
        assertThat(env.getStreamGraph().getStreamNodes()).hasSizeGreaterThan(10);
    }
}
