package dev.eventflow.jobs.windowagg;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.time.EventTimeWatermarks;
import dev.eventflow.jobs.TestEvents;
import dev.eventflow.jobs.windowstats.WindowResult;
import dev.eventflow.jobs.windowstats.WindowSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The topology on a Flink MiniCluster, fed from memory: bounded input, so the end of input flushes
 * every window. Results must equal the independently computed ground truth, sliding and tumbling,
 * with the HLL estimate within its error.
 */
class WindowAggregationTopologyTest {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(2);

    private static List<WindowResult> run(List<UserEvent> events, WindowSpec spec, int parallelism)
            throws Exception {
        Configuration conf = new Configuration();
        conf.setString("pipeline.generic-types", "false");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        DataStream<UserEvent> input =
                env.fromData(TypeInformation.of(UserEvent.class), events.toArray(new UserEvent[0]))
                        .uid("test-input")
                        .assignTimestampsAndWatermarks(
                                EventTimeWatermarks.forEvents(Duration.ofMinutes(10)))
                        .uid("test-watermarks");
        WindowAggregationJob.Outputs out = WindowAggregationJob.defineWorkflow(input, spec);
        List<WindowResult> results = new ArrayList<>();
        try (CloseableIterator<WindowResult> it = out.results().collectAsync()) {
            env.execute("topology-test");
            it.forEachRemaining(results::add);
        }
        return results;
    }

    @Test
    void slidingWindowsEqualGroundTruth() throws Exception {
        List<UserEvent> events = TestEvents.seeded(42, 3_000, 25, 60, 3 * MINUTE);
        WindowSpec spec = new WindowSpec(5 * MINUTE, MINUTE, 12);
        Map<String, ExpectedWindows.Row> expected =
                ExpectedWindows.compute(events, spec.sizeMs, spec.slideMs, Long.MAX_VALUE);
        List<WindowResult> results = run(events, spec, 2);
        assertThat(results).hasSize(expected.size());
        ExpectedWindows.assertMatches(expected, results, spec.lgK);
    }

    @Test
    void tumblingWindowsEqualGroundTruth() throws Exception {
        List<UserEvent> events = TestEvents.seeded(7, 2_000, 10, 45, 2 * MINUTE);
        WindowSpec spec = new WindowSpec(10 * MINUTE, 10 * MINUTE, 12);
        Map<String, ExpectedWindows.Row> expected =
                ExpectedWindows.compute(events, spec.sizeMs, spec.slideMs, Long.MAX_VALUE);
        List<WindowResult> results = run(events, spec, 1);
        ExpectedWindows.assertMatches(expected, results, spec.lgK);
        // every event is counted exactly once in tumbling windows
        assertThat(results.stream().mapToLong(r -> r.events).sum()).isEqualTo(events.size());
    }

    @Test
    void hllEstimateOfManySessionsIsWithinItsDocumentedError() throws Exception {
        List<UserEvent> events = new ArrayList<>();
        int sessions = 20_000;
        for (int i = 0; i < sessions; i++) {
            events.add(
                    new UserEvent(
                            "e" + i,
                            "heavy-user",
                            "session-" + i,
                            "click",
                            T0 + (i % 240) * 1_000L,
                            null));
        }
        WindowSpec spec = new WindowSpec(5 * MINUTE, 5 * MINUTE, 12);
        List<WindowResult> results = run(events, spec, 1);
        assertThat(results).hasSize(1);
        double error = Math.abs(results.get(0).approxSessions - sessions) / (double) sessions;
        assertThat(results.get(0).events).isEqualTo(sessions);
        // 3 standard errors: 3 * 1.04 / sqrt(4096) = 4.9%
        assertThat(error).isLessThan(3 * 1.04 / 64);
    }
}
