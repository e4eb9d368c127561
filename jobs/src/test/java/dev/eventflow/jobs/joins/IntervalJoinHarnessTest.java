package dev.eventflow.jobs.joins;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.joins.JoinTestData.BOUND;
import static dev.eventflow.jobs.joins.JoinTestData.at;
import static dev.eventflow.jobs.joins.JoinTestData.click;
import static dev.eventflow.jobs.joins.JoinTestData.impression;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.IntervalJoinOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --mode interval}: Flink's interval join operator configured exactly as {@link
 * JoinsJob#defineJoin} configures it ({@code between(0, bound)}, both bounds inclusive), with the
 * job's join function. Matches, non-matches, both boundaries, and the join cleanup rule shown by
 * state and timer counts.
 */
class IntervalJoinHarnessTest {

    private KeyedTwoInputStreamOperatorTestHarness<String, AdImpression, AdClick, JoinedRow>
            harness;

    @BeforeEach
    void open() throws Exception {
        ExecutionConfig config = new ExecutionConfig();
        IntervalJoinOperator<String, AdImpression, AdClick, JoinedRow> operator =
                new IntervalJoinOperator<>(
                        0,
                        BOUND,
                        true,
                        true,
                        null,
                        null,
                        TypeInformation.of(AdImpression.class)
                                .createSerializer(config.getSerializerConfig()),
                        TypeInformation.of(AdClick.class)
                                .createSerializer(config.getSerializerConfig()),
                        new IntervalJoinFunction());
        harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        operator,
                        new JoinKeys.ImpressionId(),
                        new JoinKeys.ClickImpressionId(),
                        Types.STRING);
        harness.setup();
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(AdImpression i) throws Exception {
        harness.processElement1(new StreamRecord<>(i, i.eventTime()));
    }

    private void send(AdClick c) throws Exception {
        harness.processElement2(new StreamRecord<>(c, c.eventTime()));
    }

    private void watermark(long w) throws Exception {
        harness.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(w));
    }

    @Test
    void clicksFromTheImpressionInstantToExactlyTheBoundMatchOthersDoNot() throws Exception {
        AdImpression imp = impression("i1", at(0, 0));
        send(imp);
        AdClick atImpression = click("c-at", "i1", at(0, 0));
        AdClick atBound = click("c-bound", "i1", at(0, 0) + BOUND);
        AdClick pastBound = click("c-past", "i1", at(0, 0) + BOUND + 1);
        AdClick before = click("c-before", "i1", at(0, 0) - 1);
        AdClick otherImpression = click("c-other", "i2", at(1, 0));
        send(atImpression);
        send(atBound);
        send(pastBound);
        send(before);
        send(otherImpression);

        assertThat(harness.extractOutputValues())
                .containsExactlyInAnyOrder(
                        JoinedRow.matched(imp, atImpression), JoinedRow.matched(imp, atBound));
    }

    @Test
    void aClickThatArrivesBeforeItsImpressionStillMatches() throws Exception {
        AdClick c = click("c1", "i1", at(3, 0));
        send(c);
        AdImpression imp = impression("i1", at(1, 0));
        send(imp);
        assertThat(harness.extractOutputValues()).containsExactly(JoinedRow.matched(imp, c));
    }

    @Test
    void anImpressionIsKeptUntilTheWatermarkReachesItsTimePlusBoundThenNothingRemains()
            throws Exception {
        AdImpression imp = impression("i1", at(0, 0));
        AdClick c = click("c1", "i1", at(2, 0));
        send(imp);
        send(c);
        assertThat(harness.numEventTimeTimers()).isEqualTo(2);

        // The click goes once the watermark reaches its own time: no later impression can match.
        watermark(at(2, 0));
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

        // One millisecond before impression_time + bound, a click exactly at the bound could come.
        watermark(at(0, 0) + BOUND - 1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        AdClick atBound = click("c2", "i1", at(0, 0) + BOUND);
        send(atBound);
        assertThat(harness.extractOutputValues())
                .containsExactly(JoinedRow.matched(imp, c), JoinedRow.matched(imp, atBound));

        watermark(at(0, 0) + BOUND);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void withASteadyStreamJoinStateStaysBoundedByBoundPlusDelay() throws Exception {
        // One impression per second for three hours, each clicked 30 s later; the watermark trails
        // the newest event by 2 minutes. Live rows: ~(bound + delay) / 1 s impressions.
        long delay = 2 * MINUTE;
        int maxEntries = 0;
        int entriesAfterOneHour = 0;
        int entriesAfterTwoHours = 0;
        long last = 0;
        for (int s = 0; s < 3 * 3600; s++) {
            long t = at(0, s);
            send(impression("i" + s, t));
            send(click("c" + s, "i" + s, t + 30_000));
            watermark(t - delay - 1);
            maxEntries = Math.max(maxEntries, harness.numKeyedStateEntries());
            if (s == 3600) entriesAfterOneHour = harness.numKeyedStateEntries();
            if (s == 7200) entriesAfterTwoHours = harness.numKeyedStateEntries();
            last = t;
        }
        long liveWindowSeconds = (BOUND + delay) / 1000;
        assertThat(maxEntries).isLessThanOrEqualTo((int) (2 * liveWindowSeconds + 2));
        assertThat(entriesAfterTwoHours).as("no growth with time").isEqualTo(entriesAfterOneHour);
        assertThat(harness.extractOutputValues()).hasSize(3 * 3600);

        watermark(last + 30_000 + BOUND);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }
}
