package dev.eventflow.jobs.reconcile;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.jobs.windowstats.WindowResult;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The per-(user, window) verdicts, and that the diff keeps nothing once the input is exhausted (the
 * end-of-input watermark, as BATCH mode sends it per key).
 */
class ReconcileDiffTest {

    static WindowResult row(String user, long start, long events, long sessions, Double sum) {
        WindowResult r = new WindowResult();
        r.userId = user;
        r.windowStart = start;
        r.windowEnd = start + 5 * MINUTE;
        r.events = events;
        r.approxSessions = sessions;
        r.sumAmount = sum;
        r.avgAmount = sum == null ? null : sum / events;
        r.minAmount = sum == null ? null : 1.0;
        r.maxAmount = sum == null ? null : 9.0;
        r.purchases = sum == null ? 0 : 1;
        return r;
    }

    static WindowResult copy(WindowResult r) {
        WindowResult c = row(r.userId, r.windowStart, r.events, r.approxSessions, r.sumAmount);
        c.windowEnd = r.windowEnd;
        return c;
    }

    static AccurateWindow exact(WindowResult r, long exactSessions) {
        return new AccurateWindow(r, exactSessions);
    }

    @Test
    void everyKindOfDifferenceIsFoundAndTheStateDrains() throws Exception {
        ReconcileDiff diff = new ReconcileDiff(12);
        try (var h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(diff),
                        new ReconcileJob.AccurateKey(),
                        new ReconcileJob.FastKey(),
                        Types.STRING)) {
            h.open();
            long w = at(0, 0);
            WindowResult same = row("same", w, 4, 2, 10.0);
            h.processElement1(new StreamRecord<>(exact(same, 2)));
            h.processElement2(new StreamRecord<>(copy(same)));

            h.processElement1(new StreamRecord<>(exact(row("missing", w, 3, 1, null), 1)));
            h.processElement2(new StreamRecord<>(row("extra", w, 1, 1, null)));

            WindowResult late = row("late", w, 5, 2, 20.0);
            WindowResult fastLate = row("late", w, 4, 2, 12.5);
            h.processElement1(new StreamRecord<>(exact(late, 2)));
            h.processElement2(new StreamRecord<>(fastLate));

            WindowResult heavy = row("heavy", w, 5000, 4980, null);
            h.processElement1(new StreamRecord<>(exact(heavy, 5000)));
            h.processElement2(new StreamRecord<>(copy(heavy)));

            WindowResult twice = row("twice", w, 2, 1, null);
            h.processElement1(new StreamRecord<>(exact(twice, 1)));
            h.processElement2(new StreamRecord<>(copy(twice)));
            h.processElement2(new StreamRecord<>(copy(twice)));

            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.numKeyedStateEntries()).isGreaterThan(0);
            assertThat(h.numEventTimeTimers()).isEqualTo(6);

            h.processBothWatermarks(
                    new org.apache.flink.streaming.api.watermark.Watermark(Long.MAX_VALUE));
            Map<String, DiffRow> byUser =
                    h.extractOutputValues().stream()
                            .collect(Collectors.toMap(d -> d.userId, Function.identity()));
            assertThat(byUser).hasSize(6);
            assertThat(byUser.get("same").kind).isEqualTo(DiffRow.Kind.MATCH);
            assertThat(byUser.get("missing").kind).isEqualTo(DiffRow.Kind.MISSING);
            assertThat(byUser.get("missing").actual).isNull();
            assertThat(byUser.get("extra").kind).isEqualTo(DiffRow.Kind.EXTRA);
            assertThat(byUser.get("extra").expected).isNull();
            DiffRow d = byUser.get("late");
            assertThat(d.kind).isEqualTo(DiffRow.Kind.DIFFERENT);
            assertThat(d.fields).isEqualTo("events,sum_amount,avg_amount");
            DiffRow hll = byUser.get("heavy");
            assertThat(hll.kind).isEqualTo(DiffRow.Kind.HLL_ERROR);
            assertThat(hll.hllError).isEqualTo(-20);
            assertThat(hll.hllRelativeError).isEqualTo(0.004);
            assertThat(hll.hllOutlier).isFalse(); // 3 x 1.6% of 5000 = 244
            assertThat(byUser.get("twice").kind).isEqualTo(DiffRow.Kind.DUPLICATE);
            assertThat(byUser.get("twice").fastRows).isEqualTo(2);

            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aSessionGapInADifferentRowIsDataLossNotSketchError() {
        long w = at(0, 0);
        DiffRow d =
                ReconcileDiff.compare(
                        exact(row("u", w, 10, 9, null), 9), row("u", w, 5, 4, null), 1, 12);
        assertThat(d.kind).isEqualTo(DiffRow.Kind.DIFFERENT);
        assertThat(d.hllError).isEqualTo(-5);
        assertThat(d.hllOutlier).isFalse();
        assertThat(WindowSummary.of(d).maxHllRelativeError).isZero();
        assertThat(WindowSummary.of(d).hllOutliers).isZero();
    }

    @Test
    void amountsSummedInAnotherOrderStillMatch() {
        assertThat(ReconcileDiff.close(0.1 + 0.2 + 0.3, 0.3 + 0.2 + 0.1)).isTrue();
        assertThat(ReconcileDiff.close(10.0, 10.01)).isFalse();
        assertThat(ReconcileDiff.close(null, null)).isTrue();
        assertThat(ReconcileDiff.close(null, 1.0)).isFalse();
    }

    @Test
    void aWindowSummaryCountsEachKindAndTheEventsOfBothSides() {
        long w = at(0, 0);
        List<DiffRow> rows =
                List.of(
                        ReconcileDiff.compare(
                                exact(row("a", w, 4, 2, null), 2), row("a", w, 4, 2, null), 1, 12),
                        ReconcileDiff.compare(exact(row("b", w, 3, 1, null), 1), null, 0, 12),
                        ReconcileDiff.compare(
                                exact(row("c", w, 5, 2, null), 2), row("c", w, 4, 2, null), 1, 12),
                        ReconcileDiff.compare(null, row("d", w, 1, 1, null), 1, 12));
        WindowSummary s =
                rows.stream().map(WindowSummary::of).reduce(WindowSummary::merge).orElseThrow();
        assertThat(s.expectedRows).isEqualTo(3);
        assertThat(s.fastRows).isEqualTo(3);
        assertThat(s.matching).isEqualTo(1);
        assertThat(s.missing).isEqualTo(1);
        assertThat(s.different).isEqualTo(1);
        assertThat(s.extra).isEqualTo(1);
        assertThat(s.problems()).isEqualTo(3);
        assertThat(s.expectedEvents).isEqualTo(12);
        assertThat(s.fastEvents).isEqualTo(9);
    }
}
