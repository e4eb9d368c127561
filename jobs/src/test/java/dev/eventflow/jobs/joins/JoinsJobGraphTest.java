package dev.eventflow.jobs.joins;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.config.Option;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.flink.JobEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The production pipeline of every mode compiles into a job graph under the suite's safety switches
 * (no auto-generated uids, no generic types), with every operator under its declared uid. No broker
 * is contacted.
 */
class JoinsJobGraphTest {

    @ParameterizedTest
    @EnumSource(JoinMode.class)
    void everyModeBuildsWithStableUidsAndNoKryo(JoinMode mode) {
        ParsedOptions o =
                JoinsOptions.optionSet()
                        .parse(
                                "--bootstrap-servers",
                                "localhost:1",
                                "--mode",
                                Option.spell(mode),
                                "--state-backend",
                                "hashmap");
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        JobEnvironment.configuration(
                                o, JoinsJob.NAME, RuntimeExecutionMode.STREAMING));
        new JoinsJob().buildPipeline(env, o);
        StreamGraph graph = env.getStreamGraph();
        List<String> uids = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            if (node.getTransformationUID() != null) uids.add(node.getTransformationUID());
        }
        Set<String> declared =
                Stream.of(Operators.values()).map(Operators::uid).collect(Collectors.toSet());
        // Sink V2 adds a committer per sink, with a uid derived from the sink's.
        assertThat(uids)
                .isNotEmpty()
                .allMatch(uid -> declared.contains(uid.replaceFirst("^Sink Committer: ", "")));
        JobGraph jobGraph = graph.getJobGraph();
        assertThat(jobGraph.getNumberOfVertices()).isPositive();
        if (mode == JoinMode.ENRICH) {
            assertThat(uids).contains(Operators.ENRICH.uid(), Operators.SOURCE_PROFILES.uid());
        } else if (mode == JoinMode.ENRICH_ASYNC) {
            assertThat(uids)
                    .contains(Operators.ENRICH_ASYNC.uid(), Operators.SINK_ENRICHED_ASYNC.uid())
                    .doesNotContain(Operators.SOURCE_PROFILES.uid());
        } else {
            assertThat(uids)
                    .contains(
                            Operators.LATE_IMPRESSIONS.uid(),
                            Operators.LATE_CLICKS.uid(),
                            Operators.SINK_LATE.uid());
        }
    }

    /** The rows the joins keep in state and send between operators: Flink POJOs, never Kryo. */
    @org.junit.jupiter.api.Test
    void stateAndRowTypesAreFlinkPojos() {
        for (Class<?> type :
                List.of(
                        AdImpression.class,
                        AdClick.class,
                        BufferedImpression.class,
                        BufferedClick.class,
                        JoinedRow.class,
                        LateRow.class,
                        EnrichedEvent.class,
                        ProfileUpdate.class,
                        UserProfile.class)) {
            assertThat(org.apache.flink.api.common.typeinfo.TypeInformation.of(type))
                    .as(type.getSimpleName())
                    .isInstanceOf(org.apache.flink.api.java.typeutils.PojoTypeInfo.class);
        }
    }
}
