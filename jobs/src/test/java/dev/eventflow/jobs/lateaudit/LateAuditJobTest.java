package dev.eventflow.jobs.lateaudit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.flink.JobEnvironment;
import dev.eventflow.jobs.Launcher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * The command line and the job graph: options validated up front with messages naming the option;
 * the full production pipeline builds with a uid on every operator and no Kryo anywhere.
 */
class LateAuditJobTest {

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int launch(String... args) throws Exception {
        return Launcher.run(
                args,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void anAuditTierShorterThanTheMainTierIsRefusedNamingBothOptions() throws Exception {
        assertThat(
                        launch(
                                "late-audit",
                                "--bootstrap-servers",
                                "b:1",
                                "--main-delay",
                                "10m",
                                "--audit-delay",
                                "5m"))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--audit-delay 5m must not be shorter than --main-delay 10m");
    }

    @Test
    void aSampleRateOutsideZeroToOneIsRefused() throws Exception {
        assertThat(launch("late-audit", "--bootstrap-servers", "b:1", "--sample-rate", "0"))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--sample-rate must be in (0, 1] (got 0.0)");
    }

    @Test
    void helpListsTheTiersAndTheAuditTopicDefault() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Launcher.run(
                new String[] {"late-audit", "--help"},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("--main-delay <duration>")
                .contains("[default: 5m]")
                .contains("[default: 30m]")
                .contains("--sample-topic <text>")
                .contains("[default: user-events-late-audit]")
                .doesNotContain("--late-topic")
                .doesNotContain("--watermark-delay");
    }

    @Test
    void thePipelineHasAUidOnEveryOperatorAndNoGenericTypes() {
        ParsedOptions o =
                LateAuditOptions.optionSet()
                        .parse("--bootstrap-servers", "localhost:1", "--sample-topic", "samples");
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        JobEnvironment.configuration(
                                o, LateAuditJob.NAME, RuntimeExecutionMode.STREAMING));
        new LateAuditJob().buildPipeline(env, o);
        StreamGraph graph = env.getStreamGraph(); // fails on a missing uid or a Kryo type
        List<String> names =
                StreamSupport.stream(graph.getStreamNodes().spliterator(), false)
                        .map(StreamNode::getOperatorName)
                        .collect(Collectors.toList());
        assertThat(names)
                .anySatisfy(n -> assertThat(n).contains(Operators.CLASSIFY.operatorName()))
                .anySatisfy(n -> assertThat(n).contains(Operators.AGGREGATE.operatorName()))
                .anySatisfy(n -> assertThat(n).contains(Operators.SINK_SAMPLES.operatorName()));
    }
}
