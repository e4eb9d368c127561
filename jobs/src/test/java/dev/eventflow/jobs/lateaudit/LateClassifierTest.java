package dev.eventflow.jobs.lateaudit;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.at;
import static dev.eventflow.jobs.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.metrics.SuiteMetrics;
import dev.eventflow.jobs.windowstats.UserIdKey;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tier boundaries, exactly at each watermark: main 5m, audit 30m, 1m audit windows. The
 * harness's watermark is the audit tier's (as the Kafka source emits it); the main tier's is 25m
 * ahead of it.
 */
class LateClassifierTest {

    private static final AuditSpec SPEC = new AuditSpec(5 * MINUTE, 30 * MINUTE, MINUTE, 12);

    /** Audit watermark as the source would emit it with every partition's maximum at T0+60m. */
    private static final long AUDIT_WM = at(60, 0) - 30 * MINUTE - 1;

    private static final long MAIN_WM = at(60, 0) - 5 * MINUTE - 1;

    private LateClassifier classifier;
    private KeyedOneInputStreamOperatorTestHarness<String, UserEvent, AuditEntry> harness;

    @BeforeEach
    void open() throws Exception {
        harness = harness(null);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private KeyedOneInputStreamOperatorTestHarness<String, UserEvent, AuditEntry> harness(
            OperatorSubtaskState restore) throws Exception {
        classifier = new LateClassifier(SPEC, new LateSampler(1.0));
        KeyedOneInputStreamOperatorTestHarness<String, UserEvent, AuditEntry> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new LateClassifierOperator(classifier), new UserIdKey(), Types.STRING);
        if (restore != null) h.initializeState(restore);
        h.open();
        return h;
    }

    private AuditEntry classify(long eventTime) throws Exception {
        UserEvent e = event("u1", "s1", eventTime);
        harness.processElement(new StreamRecord<>(e, eventTime));
        List<AuditEntry> out = harness.extractOutputValues();
        return out.get(out.size() - 1);
    }

    private List<LateSample> samples() {
        return harness.getSideOutput(LateClassifier.SAMPLES) == null
                ? List.of()
                : harness.getSideOutput(LateClassifier.SAMPLES).stream()
                        .map(StreamRecord::getValue)
                        .collect(Collectors.toList());
    }

    @Test
    void theMainWatermarkIsTheAuditOneShiftedByTheDifferenceOfTheDelays() {
        assertThat(SPEC.mainWatermark(AUDIT_WM)).isEqualTo(MAIN_WM);
        assertThat(SPEC.mainWatermark(Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void beforeAnyWatermarkEverythingIsOnTime() throws Exception {
        AuditEntry e = classify(at(0, 0));
        assertThat(e.tier()).isEqualTo(Tier.ON_TIME);
        assertThat(e.latenessMs()).isZero();
        assertThat(e.windowStart()).isEqualTo(at(0, 0));
    }

    @Test
    void oneMillisecondAheadOfTheMainWatermarkIsOnTime() throws Exception {
        harness.processWatermark(AUDIT_WM);
        AuditEntry e = classify(MAIN_WM + 1);
        assertThat(e.tier()).isEqualTo(Tier.ON_TIME);
        assertThat(e.latenessMs()).isZero();
        assertThat(e.windowStart()).isEqualTo(at(55, 0));
        assertThat(samples()).isEmpty();
    }

    @Test
    void exactlyAtTheMainWatermarkIsLateByZero() throws Exception {
        harness.processWatermark(AUDIT_WM);
        AuditEntry e = classify(MAIN_WM);
        assertThat(e.tier()).isEqualTo(Tier.LATE);
        assertThat(e.latenessMs()).isZero();
        assertThat(e.windowStart()).isEqualTo(at(54, 0));
    }

    @Test
    void oneMillisecondAheadOfTheAuditWatermarkIsLateAndCountedInItsOwnWindow() throws Exception {
        harness.processWatermark(AUDIT_WM);
        AuditEntry e = classify(AUDIT_WM + 1);
        assertThat(e.tier()).isEqualTo(Tier.LATE);
        assertThat(e.latenessMs()).isEqualTo(MAIN_WM - (AUDIT_WM + 1));
        assertThat(e.windowStart()).isEqualTo(at(30, 0));
    }

    @Test
    void exactlyAtTheAuditWatermarkIsLostAndCountedInTheOldestOpenWindow() throws Exception {
        harness.processWatermark(AUDIT_WM);
        AuditEntry atWatermark = classify(AUDIT_WM);
        assertThat(atWatermark.tier()).isEqualTo(Tier.LOST);
        assertThat(atWatermark.latenessMs()).isEqualTo(MAIN_WM - AUDIT_WM);
        // Its own window [10:29, 10:30) closed at exactly this watermark: counted in [10:30,
        // 10:31).
        assertThat(atWatermark.windowStart()).isEqualTo(at(30, 0));

        AuditEntry longLost = classify(at(2, 0));
        assertThat(longLost.tier()).isEqualTo(Tier.LOST);
        assertThat(longLost.latenessMs()).isEqualTo(MAIN_WM - at(2, 0));
        assertThat(longLost.windowStart()).isEqualTo(at(30, 0));
    }

    @Test
    void aLostEventWhoseOwnWindowIsStillOpenIsCountedInIt() throws Exception {
        long wm = at(30, 30); // window [10:30, 10:31) still open
        harness.processWatermark(wm);
        AuditEntry e = classify(at(30, 10));
        assertThat(e.tier()).isEqualTo(Tier.LOST);
        assertThat(e.windowStart()).isEqualTo(at(30, 0));
    }

    @Test
    void lateAndLostEventsAreSampledWithTheirTierWatermarkAndLateness() throws Exception {
        harness.processWatermark(AUDIT_WM);
        classify(MAIN_WM + 1);
        classify(MAIN_WM - 10);
        classify(AUDIT_WM - 10);
        assertThat(samples())
                .extracting(s -> s.tier(), s -> s.watermark(), s -> s.latenessMs())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Tier.LATE, MAIN_WM, 10L),
                        org.assertj.core.groups.Tuple.tuple(
                                Tier.LOST, MAIN_WM, MAIN_WM - AUDIT_WM + 10));
    }

    @Test
    void afterARestoreTheAuditWatermarkDoesNotGoBack() throws Exception {
        harness.processWatermark(AUDIT_WM);
        classify(MAIN_WM + 1); // the classifier has now seen the watermark
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        // A restored job: Flink's watermark restarts at Long.MIN_VALUE.
        harness = harness(snapshot);
        assertThat(classifier.floor()).isEqualTo(AUDIT_WM);
        AuditEntry replayed = classify(AUDIT_WM);
        assertThat(replayed.tier()).isEqualTo(Tier.LOST);
        assertThat(classify(MAIN_WM).tier()).isEqualTo(Tier.LATE);
        assertThat(classify(MAIN_WM + 1).tier()).isEqualTo(Tier.ON_TIME);
    }

    @Test
    void theCheckpointedWatermarkIsTheOperatorsEvenWithoutEventsSinceIt() throws Exception {
        classify(at(0, 0));
        harness.processWatermark(AUDIT_WM - MINUTE);
        harness.processWatermark(AUDIT_WM); // no event after these
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();
        harness = harness(snapshot);
        assertThat(classifier.floor()).isEqualTo(AUDIT_WM);
        assertThat(classify(AUDIT_WM).tier()).isEqualTo(Tier.LOST);
    }

    @Test
    void aDrainedRunsEndOfInputIsNotRestoredAsTheAuditWatermark() throws Exception {
        harness.processWatermark(AUDIT_WM);
        harness.processWatermark(Long.MAX_VALUE); // a bounded run's end, or stop --drain
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();
        harness = harness(snapshot);
        assertThat(classifier.floor()).isEqualTo(AUDIT_WM);
        assertThat(classify(MAIN_WM + 1).tier()).isEqualTo(Tier.ON_TIME);
    }

    @Test
    void aRescaledRestoreStartsFromTheLowestSubtasksWatermark() throws Exception {
        OperatorSubtaskState ahead;
        try (var h = subtask(2, 1)) {
            h.open();
            h.processWatermark(AUDIT_WM + MINUTE);
            ahead = h.snapshot(1, 1);
        }
        harness.processWatermark(AUDIT_WM);
        OperatorSubtaskState behind = harness.snapshot(1, 1);
        harness.close();
        harness =
                harness(
                        org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness
                                .repackageState(behind, ahead));
        assertThat(classifier.floor()).isEqualTo(AUDIT_WM);
    }

    private KeyedOneInputStreamOperatorTestHarness<String, UserEvent, AuditEntry> subtask(
            int parallelism, int index) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new LateClassifierOperator(new LateClassifier(SPEC, null)),
                new UserIdKey(),
                Types.STRING,
                128,
                parallelism,
                index);
    }

    @Test
    void keepsNoKeyedStateAndNoTimers() throws Exception {
        harness.processWatermark(AUDIT_WM);
        for (int i = 0; i < 100; i++) {
            UserEvent e = event("user-" + i, "s", at(i % 60, 0));
            harness.processElement(new StreamRecord<>(e, e.eventTime));
        }
        assertThat(harness.extractOutputValues()).hasSize(100);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theLateSlisAreFlinkMetrics() throws Exception {
        InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
        TaskMetricGroup task =
                new UnregisteredMetricGroups.UnregisteredTaskMetricGroup() {
                    @Override
                    public InternalOperatorMetricGroup getOrAddOperator(
                            OperatorID id, String name, Map<String, String> info) {
                        return metrics;
                    }
                };
        harness.close();
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new LateClassifierOperator(new LateClassifier(SPEC, null)),
                        new UserIdKey(),
                        Types.STRING,
                        new MockEnvironmentBuilder().setMetricGroup(task).build());
        harness.open();
        harness.processWatermark(AUDIT_WM);
        classify(MAIN_WM + 1);
        classify(MAIN_WM + 2);
        classify(MAIN_WM - 10);
        classify(AUDIT_WM - 10);
        assertThat(((Counter) metrics.get(LateClassifier.ON_TIME_EVENTS)).getCount()).isEqualTo(2);
        assertThat(((Counter) metrics.get(SuiteMetrics.LATE_EVENTS)).getCount()).isEqualTo(1);
        assertThat(((Counter) metrics.get(LateClassifier.LOST_EVENTS)).getCount()).isEqualTo(1);
        assertThat(((Counter) metrics.get(LateClassifier.SAMPLED_EVENTS)).getCount()).isZero();
        assertThat(((Gauge<Double>) metrics.get(LateClassifier.LATE_RATIO)).getValue())
                .isEqualTo(0.5);
        assertThat(((Gauge<Double>) metrics.get(LateClassifier.MAX_LATENESS)).getValue())
                .isEqualTo((MAIN_WM - AUDIT_WM + 10) / 1000.0);
        long before = System.currentTimeMillis();
        double lag = ((Gauge<Double>) metrics.get(SuiteMetrics.WATERMARK_LAG)).getValue();
        long after = System.currentTimeMillis();
        assertThat(lag).isBetween((before - MAIN_WM) / 1000.0, (after - MAIN_WM) / 1000.0);
        double auditLag =
                ((Gauge<Double>) metrics.get(LateClassifier.AUDIT_WATERMARK_LAG)).getValue();
        assertThat(auditLag - lag).isBetween(25 * 60 - 5.0, 25 * 60 + 5.0);
    }

    @Test
    void watermarkLagIsWallClockMinusWatermarkAndUnknownBeforeTheFirst() {
        assertThat(SuiteMetrics.lagSeconds(Long.MIN_VALUE, 1_000)).isNaN();
        assertThat(SuiteMetrics.lagSeconds(400, 1_000)).isEqualTo(0.6);
        assertThat(SuiteMetrics.lagSeconds(2_000, 1_000)).isZero();
    }
}
