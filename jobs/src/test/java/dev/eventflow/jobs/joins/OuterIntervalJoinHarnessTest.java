package dev.eventflow.jobs.joins;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.joins.JoinTestData.BOUND;
import static dev.eventflow.jobs.joins.JoinTestData.at;
import static dev.eventflow.jobs.joins.JoinTestData.click;
import static dev.eventflow.jobs.joins.JoinTestData.impression;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --mode left-outer} and {@code full-outer}: {@link OuterIntervalJoinFunction} in a keyed
 * two-input harness. Matches as in the inner join; unmatched rows exactly when the watermark
 * reaches their deadline, never earlier, never twice; state and timers drained once the watermark
 * passes {@code event_time + bound}; bounded state under a steady stream; and equality with the
 * nested-loop join over a random input.
 */
class OuterIntervalJoinHarnessTest {

    private KeyedTwoInputStreamOperatorTestHarness<String, AdImpression, AdClick, JoinedRow>
            harness;

    private void open(boolean fullOuter) throws Exception {
        harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(
                                new OuterIntervalJoinFunction(BOUND, fullOuter)),
                        new JoinKeys.ImpressionId(),
                        new JoinKeys.ClickImpressionId(),
                        Types.STRING);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) harness.close();
    }

    private void send(AdImpression i) throws Exception {
        harness.processElement1(new StreamRecord<>(i, i.eventTime()));
    }

    private void send(AdClick c) throws Exception {
        harness.processElement2(new StreamRecord<>(c, c.eventTime()));
    }

    private void watermark(long w) throws Exception {
        harness.processBothWatermarks(new Watermark(w));
    }

    private List<JoinedRow> output() {
        return harness.extractOutputValues();
    }

    private void assertDrained() {
        assertThat(harness.numKeyedStateEntries()).as("keyed state entries").isZero();
        assertThat(harness.numEventTimeTimers()).as("event-time timers").isZero();
        assertThat(harness.numProcessingTimeTimers()).as("processing-time timers").isZero();
    }

    @Test
    void aMatchIsEmittedAtOnceAndTheImpressionIsNotEmittedAgainAsUnmatched() throws Exception {
        open(false);
        AdImpression imp = impression("i1", at(0, 0));
        AdClick c = click("c1", "i1", at(4, 0));
        send(imp);
        send(c);
        assertThat(output()).containsExactly(JoinedRow.matched(imp, c));

        watermark(at(0, 0) + BOUND);
        assertThat(output()).containsExactly(JoinedRow.matched(imp, c));
        assertDrained();
    }

    @Test
    void
            anUnclickedImpressionIsEmittedWithNullClickFieldsExactlyWhenTheWatermarkReachesTimePlusBound()
                    throws Exception {
        open(false);
        AdImpression imp = impression("i1", at(0, 0));
        send(imp);

        watermark(at(0, 0) + BOUND - 1);
        assertThat(output()).as("a click at exactly the bound may still come").isEmpty();
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

        watermark(at(0, 0) + BOUND);
        JoinedRow row = JoinedRow.impressionOnly(imp);
        assertThat(output()).containsExactly(row);
        assertThat(row.clickId()).isNull();
        assertThat(row.clickTime()).isNull();
        assertDrained();

        watermark(at(60, 0));
        assertThat(output()).as("emitted once").hasSize(1);
    }

    @Test
    void aClickExactlyAtTheBoundMatchesOneMillisecondLaterItDoesNot() throws Exception {
        open(false);
        AdImpression atBound = impression("i1", at(0, 0));
        AdImpression pastBound = impression("i2", at(0, 0));
        AdClick c1 = click("c1", "i1", at(0, 0) + BOUND);
        AdClick c2 = click("c2", "i2", at(0, 0) + BOUND + 1);
        send(atBound);
        send(pastBound);
        send(c1);
        send(c2);
        watermark(at(0, 0) + BOUND + 1);
        assertThat(output())
                .containsExactlyInAnyOrder(
                        JoinedRow.matched(atBound, c1), JoinedRow.impressionOnly(pastBound));
        assertDrained();
    }

    @Test
    void aClickBeforeItsImpressionDoesNotMatchAndLeftOuterDropsItWithItsDeadline()
            throws Exception {
        open(false);
        AdClick early = click("c1", "i1", at(5, 0) - 1);
        send(early);
        AdImpression imp = impression("i1", at(5, 0));
        send(imp);
        assertThat(output()).isEmpty();
        // The click leaves state when the watermark reaches its time: no later impression could
        // precede it.
        watermark(at(5, 0) - 1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        watermark(at(5, 0) + BOUND);
        assertThat(output()).containsExactly(JoinedRow.impressionOnly(imp));
        assertDrained();
    }

    @Test
    void severalClicksOnOneImpressionGiveOneRowEach() throws Exception {
        open(false);
        AdImpression imp = impression("i1", at(0, 0));
        AdClick c1 = click("c1", "i1", at(1, 0));
        AdClick c2 = click("c2", "i1", at(2, 0));
        send(c2);
        send(imp);
        send(c1);
        watermark(Long.MAX_VALUE);
        assertThat(output())
                .containsExactlyInAnyOrder(JoinedRow.matched(imp, c2), JoinedRow.matched(imp, c1));
        assertDrained();
    }

    @Test
    void fullOuterEmitsAnUnmatchedClickWhenTheWatermarkReachesItsTime() throws Exception {
        open(true);
        AdClick orphan = click("c1", "i-unknown", at(3, 0));
        AdClick tooLate = click("c2", "i1", at(0, 0) + BOUND + 1);
        AdImpression imp = impression("i1", at(0, 0));
        send(orphan);
        send(imp);
        send(tooLate);

        watermark(at(3, 0) - 1);
        assertThat(output()).isEmpty();
        watermark(at(3, 0));
        JoinedRow orphanRow = JoinedRow.clickOnly(orphan);
        assertThat(output()).containsExactly(orphanRow);
        assertThat(orphanRow.impressionId()).isEqualTo("i-unknown");
        assertThat(orphanRow.adId()).isNull();
        assertThat(orphanRow.impressionTime()).isNull();

        watermark(at(0, 0) + BOUND);
        assertThat(output()).containsExactly(orphanRow, JoinedRow.impressionOnly(imp));
        watermark(at(0, 0) + BOUND + 1);
        assertThat(output())
                .containsExactly(
                        orphanRow, JoinedRow.impressionOnly(imp), JoinedRow.clickOnly(tooLate));
        assertDrained();
    }

    @Test
    void fullOuterDoesNotEmitAMatchedClickAgain() throws Exception {
        open(true);
        AdImpression imp = impression("i1", at(0, 0));
        AdClick c = click("c1", "i1", at(0, 0));
        send(c);
        send(imp);
        watermark(Long.MAX_VALUE);
        assertThat(output()).containsExactly(JoinedRow.matched(imp, c));
        assertDrained();
    }

    @Test
    void withASteadyStreamStateStaysBoundedAndDrainsToZero() throws Exception {
        open(true);
        // One impression per second for three hours; every other one clicked 30 s later, every
        // tenth click on an unknown impression. Watermark 2 minutes behind the newest event.
        long delay = 2 * MINUTE;
        int max = 0;
        int atOneHour = 0;
        int atTwoHours = 0;
        long last = 0;
        for (int s = 0; s < 3 * 3600; s++) {
            long t = at(0, s);
            send(impression("i" + s, t));
            if (s % 2 == 0) send(click("c" + s, s % 10 == 0 ? "x" + s : "i" + s, t + 30_000));
            watermark(t - delay - 1);
            max = Math.max(max, harness.numKeyedStateEntries());
            if (s == 3600) atOneHour = harness.numKeyedStateEntries();
            if (s == 7200) atTwoHours = harness.numKeyedStateEntries();
            last = t;
        }
        // Live impressions: one per second over bound + delay; clicks only over 30 s + delay.
        int liveImpressions = (int) ((BOUND + delay) / 1000);
        assertThat(max).isLessThanOrEqualTo(liveImpressions + liveImpressions / 2 + 2);
        assertThat(atTwoHours).as("no growth with time").isEqualTo(atOneHour);
        assertThat(harness.numEventTimeTimers()).isLessThanOrEqualTo(2 * liveImpressions);

        watermark(last + BOUND);
        assertDrained();
        List<JoinedRow> out = output();
        assertThat(out.stream().filter(r -> r.clickId() == null)).hasSize(3 * 3600 - 4320);
        assertThat(out.stream().filter(r -> r.adId() == null)).hasSize(3 * 3600 / 10);
        assertThat(out.stream().filter(r -> r.adId() != null && r.clickId() != null)).hasSize(4320);
    }

    @Test
    void randomInputInAnyOrderWithinTheDelayEqualsTheNestedLoopJoin() throws Exception {
        for (boolean fullOuter : new boolean[] {false, true}) {
            open(fullOuter);
            SplittableRandom r = new SplittableRandom(17);
            List<AdImpression> impressions = new ArrayList<>();
            List<AdClick> clicks = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                AdImpression imp = impression("i" + r.nextInt(300), at(0, i * 5));
                impressions.add(imp);
                int n = r.nextInt(3);
                for (int k = 0; k < n; k++) {
                    long delta =
                            r.nextBoolean()
                                    ? r.nextLong(BOUND + 1)
                                    : r.nextLong(-MINUTE, 2 * BOUND);
                    clicks.add(
                            click("c" + i + "-" + k, imp.impressionId(), imp.eventTime() + delta));
                }
            }
            // Arrival order: by time, shuffled within 2 minutes; watermark trails by 3 minutes.
            List<Object> arrivals = new ArrayList<>(impressions);
            arrivals.addAll(clicks);
            arrivals.sort((a, b) -> Long.compare(time(a) + jitter(a), time(b) + jitter(b)));
            long max = Long.MIN_VALUE;
            for (Object o : arrivals) {
                if (o instanceof AdImpression) send((AdImpression) o);
                else send((AdClick) o);
                max = Math.max(max, time(o));
                watermark(max - 3 * MINUTE - 1);
            }
            watermark(Long.MAX_VALUE);
            assertThat(output())
                    .as(fullOuter ? "full outer" : "left outer")
                    .containsExactlyInAnyOrderElementsOf(
                            JoinTestData.nestedLoopJoin(
                                    impressions, clicks, BOUND, true, fullOuter));
            assertDrained();
            harness.close();
            harness = null;
        }
    }

    private static long time(Object o) {
        return o instanceof AdImpression
                ? ((AdImpression) o).eventTime()
                : ((AdClick) o).eventTime();
    }

    /** A deterministic arrival delay of up to 2 minutes. */
    private static long jitter(Object o) {
        String id =
                o instanceof AdImpression
                        ? ((AdImpression) o).impressionId()
                        : ((AdClick) o).clickId();
        return Math.floorMod(id.hashCode(), 2 * (int) MINUTE);
    }
}
