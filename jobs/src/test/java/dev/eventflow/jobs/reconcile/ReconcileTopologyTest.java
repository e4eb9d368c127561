package dev.eventflow.jobs.reconcile;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.T0;
import static dev.eventflow.jobs.TestEvents.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.testing.FlinkTestCluster;
import dev.eventflow.common.time.EventTimeWatermarks;
import dev.eventflow.jobs.TestEvents;
import dev.eventflow.jobs.windowagg.ExpectedWindows;
import dev.eventflow.jobs.windowstats.WindowResult;
import dev.eventflow.jobs.windowstats.WindowSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reconcile topology in BATCH mode on a MiniCluster, fed from memory: exact distinct sessions
 * equal a set-based count where HLL is approximate, and only windows inside the range are compared.
 */
class ReconcileTopologyTest {

    @RegisterExtension static final MiniClusterExtension FLINK = FlinkTestCluster.withSlots(2);

    private static final WindowSpec SPEC = new WindowSpec(5 * MINUTE, MINUTE, 12);

    private static List<WindowSummary> windows;

    private static List<DiffRow> run(
            List<UserEvent> events, List<WindowResult> fast, ReconcileRange range)
            throws Exception {
        Configuration conf = new Configuration();
        conf.setString("pipeline.generic-types", "false");
        conf.setString("pipeline.auto-generate-uids", "false");
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        DataStream<UserEvent> in =
                env.fromData(TypeInformation.of(UserEvent.class), events.toArray(new UserEvent[0]))
                        .uid("test-events")
                        .assignTimestampsAndWatermarks(EventTimeWatermarks.forEvents(Duration.ZERO))
                        .uid("test-timestamps");
        DataStream<WindowResult> fastIn =
                fast.isEmpty()
                        ? env.fromData(TypeInformation.of(WindowResult.class), new WindowResult())
                                .uid("test-fast")
                                .filter(r -> false)
                                .uid("test-fast-empty")
                        : env.fromData(
                                        TypeInformation.of(WindowResult.class),
                                        fast.toArray(new WindowResult[0]))
                                .uid("test-fast");
        ReconcileJob.Outputs out = ReconcileJob.defineWorkflow(in, fastIn, SPEC, range);
        List<DiffRow> diffs = new ArrayList<>();
        List<WindowSummary> summaries = new ArrayList<>();
        try (CloseableIterator<DiffRow> d = out.differences().collectAsync();
                CloseableIterator<WindowSummary> s = out.windows().collectAsync()) {
            env.execute("reconcile-topology-test");
            d.forEachRemaining(diffs::add);
            s.forEachRemaining(summaries::add);
        }
        windows = summaries;
        return diffs;
    }

    @Test
    void exactDistinctSessionsEqualASetBasedCountWhereHllIsApproximate() throws Exception {
        List<UserEvent> events = new ArrayList<>();
        Set<String> sessions = new HashSet<>();
        for (int i = 0; i < 8_000; i++) {
            String s = "session-" + (i * 7919 % 6_000);
            sessions.add(s);
            events.add(new UserEvent("e" + i, "heavy", s, "click", T0 + (i % 300) * 1_000L, null));
        }
        // The fast path saw nothing: every window is missing, and carries the exact count.
        List<DiffRow> diffs = run(events, List.of(), new ReconcileRange(T0, at(5, 0)));
        assertThat(diffs).hasSize(1); // only [T0, T0+5m) lies inside the range
        DiffRow d = diffs.get(0);
        assertThat(d.kind).isEqualTo(DiffRow.Kind.MISSING);
        assertThat(d.windowStart).isEqualTo(T0);
        assertThat(d.expected.exactSessions).isEqualTo(sessions.size());
        assertThat(d.expected.row.events).isEqualTo(8_000);
        // the recomputed HLL is an estimate near, but not at, the exact count
        assertThat((double) d.expected.row.approxSessions)
                .isCloseTo(sessions.size(), org.assertj.core.data.Offset.offset(300.0));
        assertThat(windows).hasSize(1);
        assertThat(windows.get(0).missing).isEqualTo(1);
    }

    @Test
    void aFastPathEqualToGroundTruthHasNoDifferencesInsideTheRange() throws Exception {
        List<UserEvent> events = TestEvents.seeded(5, 1_500, 12, 40, 2 * MINUTE);
        ReconcileRange range = new ReconcileRange(at(10, 0), at(30, 0));
        Map<String, ExpectedWindows.Row> truth =
                ExpectedWindows.compute(events, SPEC.sizeMs, SPEC.slideMs, Long.MAX_VALUE);
        List<WindowResult> fast = new ArrayList<>();
        int inRange = 0;
        for (ExpectedWindows.Row r : truth.values()) {
            fast.add(ReconcileITCase.asFastRow(r)); // every window, inside the range or not
            if (range.contains(r.start, r.end)) inRange++;
        }
        List<DiffRow> diffs = run(events, fast, range);
        assertThat(diffs).isEmpty();
        assertThat(windows).hasSize(16); // starts 10:10 .. 10:25
        assertThat(windows.stream().mapToLong(w -> w.matching).sum()).isEqualTo(inRange);
        assertThat(windows.stream().mapToLong(WindowSummary::problems).sum()).isZero();
        assertThat(windows)
                .allSatisfy(
                        w -> {
                            assertThat(w.windowStart).isGreaterThanOrEqualTo(range.fromMs);
                            assertThat(w.windowEnd).isLessThanOrEqualTo(range.toMs);
                        });
    }
}
