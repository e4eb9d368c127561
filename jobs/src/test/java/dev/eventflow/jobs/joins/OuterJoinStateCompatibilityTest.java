package dev.eventflow.jobs.joins;

import static dev.eventflow.jobs.joins.JoinTestData.BOUND;
import static dev.eventflow.jobs.joins.JoinTestData.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

/**
 * State written by an earlier release restores into today's outer join. The snapshot in {@code
 * snapshots/outer-join-full-f885049.snapshot} was taken by commit f885049, when {@link
 * AdImpression} and {@link AdClick} were classic POJOs; they are records now, still serialized by
 * Flink's {@code PojoSerializer}. Written in a full-outer harness: impressions i1 (matched by click
 * c1) and i2 (unmatched) buffered, the orphan click c2 already emitted, the watermark at 10:03.
 * Restored, the join must finish exactly as the old job would have: i2 once as unmatched when the
 * watermark reaches its deadline, nothing emitted twice, and the state drained.
 */
class OuterJoinStateCompatibilityTest {

    @Test
    void aSnapshotOfThePojoEraRestoresAndFinishesTheJoin() throws Exception {
        OperatorSubtaskState old =
                OperatorSnapshotUtil.readStateHandle(resource("outer-join-full-f885049.snapshot"));
        try (var h =
                new KeyedTwoInputStreamOperatorTestHarness<
                        String, AdImpression, AdClick, JoinedRow>(
                        new KeyedCoProcessOperator<>(new OuterIntervalJoinFunction(BOUND, true)),
                        new JoinKeys.ImpressionId(),
                        new JoinKeys.ClickImpressionId(),
                        Types.STRING)) {
            h.initializeState(old);
            h.open();
            assertThat(h.numKeyedStateEntries()).as("restored buffers").isPositive();

            h.processBothWatermarks(new Watermark(at(1, 0) + BOUND));
            assertThat(h.extractOutputValues())
                    .containsExactly(
                            JoinedRow.impressionOnly(
                                    new AdImpression("i2", "user-of-i2", "ad-of-i2", at(1, 0))));

            h.processBothWatermarks(new Watermark(at(3, 0) + 2 * BOUND));
            assertThat(h.extractOutputValues()).hasSize(1);
            assertThat(h.numKeyedStateEntries()).as("keyed state entries").isZero();
            assertThat(h.numEventTimeTimers()).as("event-time timers").isZero();
        }
    }

    private static String resource(String name) throws URISyntaxException {
        return Path.of(
                        OuterJoinStateCompatibilityTest.class
                                .getResource("/snapshots/" + name)
                                .toURI())
                .toString();
    }
}
