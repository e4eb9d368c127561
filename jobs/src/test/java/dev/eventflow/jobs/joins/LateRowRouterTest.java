package dev.eventflow.jobs.joins;

import static dev.eventflow.jobs.joins.JoinTestData.at;
import static dev.eventflow.jobs.joins.JoinTestData.click;
import static dev.eventflow.jobs.joins.JoinTestData.impression;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Late rows of either side leave before the join, with the watermark they met and their lateness; a
 * row is late at or behind the watermark (Flink's watermark W: no more rows at or before W).
 */
class LateRowRouterTest {

    private static <T> OneInputStreamOperatorTestHarness<T, T> harness(LateRowRouter<T> router)
            throws Exception {
        OneInputStreamOperatorTestHarness<T, T> h =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(router));
        h.open();
        return h;
    }

    private static List<LateRow> late(OneInputStreamOperatorTestHarness<?, ?> h) {
        return h.getSideOutput(LateRowRouter.LATE) == null
                ? List.of()
                : h.getSideOutput(LateRowRouter.LATE).stream()
                        .map(StreamRecord::getValue)
                        .collect(Collectors.toList());
    }

    @Test
    void beforeAnyWatermarkNothingIsLate() throws Exception {
        try (var h = harness(LateRowRouter.impressions())) {
            AdImpression i = impression("i1", at(0, 0));
            h.processElement(new StreamRecord<>(i, i.eventTime()));
            assertThat(h.extractOutputValues()).containsExactly(i);
            assertThat(late(h)).isEmpty();
        }
    }

    @Test
    void anImpressionAtOrBehindTheWatermarkIsLateOneMillisecondAheadIsNot() throws Exception {
        try (var h = harness(LateRowRouter.impressions())) {
            long w = at(10, 0);
            h.processWatermark(w);
            AdImpression ahead = impression("i-ahead", w + 1);
            AdImpression atWatermark = impression("i-at", w);
            AdImpression behind = impression("i-behind", w - 90_000);
            for (AdImpression i : List.of(ahead, atWatermark, behind)) {
                h.processElement(new StreamRecord<>(i, i.eventTime()));
            }
            assertThat(h.extractOutputValues()).containsExactly(ahead);
            List<LateRow> late = late(h);
            assertThat(late).extracting(r -> r.impression()).containsExactly(atWatermark, behind);
            assertThat(late).extracting(r -> r.watermark()).containsOnly(w);
            assertThat(late).extracting(r -> r.latenessMs()).containsExactly(0L, 90_000L);
            assertThat(late).extracting(r -> r.click()).containsOnlyNulls();
        }
    }

    @Test
    void lateClicksToo() throws Exception {
        try (var h = harness(LateRowRouter.clicks())) {
            h.processWatermark(at(10, 0));
            AdClick c = click("c1", "i1", at(9, 0));
            h.processElement(new StreamRecord<>(c, c.eventTime()));
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(late(h)).hasSize(1);
            LateRow row = late(h).get(0);
            assertThat(row.click()).isEqualTo(c);
            assertThat(row.impressionId()).isEqualTo("i1");
            assertThat(row.latenessMs()).isEqualTo(60_000L);
            assertThat(new String(LateRowSerializationSchema.toJson(row)))
                    .isEqualTo(
                            "{\"side\":\"click\",\"click_id\":\"c1\",\"impression_id\":\"i1\","
                                    + "\"user_id\":\"user-of-i1\",\"event_time\":\"2026-01-01T10:09:00Z\","
                                    + "\"watermark\":\"2026-01-01T10:10:00Z\",\"lateness_ms\":60000}");
        }
    }

    /** A harness of the job's own operator, which feeds the floor with every watermark. */
    private static <T> OneInputStreamOperatorTestHarness<T, T> jobHarness(
            LateRowRouter<T> router, OperatorSubtaskState restore) throws Exception {
        OneInputStreamOperatorTestHarness<T, T> h =
                new OneInputStreamOperatorTestHarness<>(LateRowRouter.operator(router));
        if (restore != null) h.initializeState(restore);
        h.open();
        return h;
    }

    @Test
    void lateVerdictsHoldAcrossARestore() throws Exception {
        long w = at(10, 0);
        OperatorSubtaskState checkpoint;
        try (var h = jobHarness(LateRowRouter.impressions(), null)) {
            h.processWatermark(w); // no row after it: the operator still checkpoints it
            checkpoint = h.snapshot(1L, 1L);
        }
        LateRowRouter<AdImpression> router = LateRowRouter.impressions();
        try (var h = jobHarness(router, checkpoint)) {
            assertThat(router.floor()).isEqualTo(w);
            // The restarted source's watermark is far behind; the verdicts are the old job's.
            h.processWatermark(at(1, 0));
            AdImpression replayedLate = impression("i-late", w - 1);
            AdImpression onTime = impression("i-on-time", w + 1);
            h.processElement(new StreamRecord<>(replayedLate, replayedLate.eventTime()));
            h.processElement(new StreamRecord<>(onTime, onTime.eventTime()));
            assertThat(h.extractOutputValues()).containsExactly(onTime);
            assertThat(late(h)).extracting(r -> r.impression()).containsExactly(replayedLate);
            assertThat(late(h)).extracting(r -> r.watermark()).containsExactly(w);
        }
    }

    @Test
    void aDrainedRunsEndOfInputIsNotRestoredAsTheFloor() throws Exception {
        long w = at(10, 0);
        OperatorSubtaskState checkpoint;
        try (var h = jobHarness(LateRowRouter.clicks(), null)) {
            h.processWatermark(w);
            h.processWatermark(Long.MAX_VALUE);
            checkpoint = h.snapshot(1L, 1L);
        }
        LateRowRouter<AdClick> router = LateRowRouter.clicks();
        try (var h = jobHarness(router, checkpoint)) {
            assertThat(router.floor()).isEqualTo(w);
            AdClick c = click("c1", "i1", w + 1);
            h.processElement(new StreamRecord<>(c, c.eventTime()));
            assertThat(h.extractOutputValues()).containsExactly(c);
        }
    }
}
