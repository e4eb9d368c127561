package dev.eventflow.jobs.lateaudit;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The audit window aggregate: one row per window, written once when the audit watermark reaches the
 * window's last millisecond, with exact quantiles for small counts; afterwards no state and no
 * timers remain.
 */
class AuditAggregatorTest {

    private static final AuditSpec SPEC = new AuditSpec(5 * MINUTE, 30 * MINUTE, MINUTE, 12);

    private static KeyedOneInputStreamOperatorTestHarness<Long, AuditEntry, AuditRow> harness()
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<Long, AuditEntry, AuditRow> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new AuditAggregator(SPEC)),
                        new LateAuditJob.WindowKey(),
                        Types.LONG);
        h.open();
        return h;
    }

    private static void send(
            KeyedOneInputStreamOperatorTestHarness<Long, AuditEntry, AuditRow> h,
            long window,
            String user,
            Tier tier,
            long lateness)
            throws Exception {
        h.processElement(new StreamRecord<>(new AuditEntry(window, user, tier, lateness)));
    }

    @Test
    void oneRowPerWindowWhenTheWatermarkReachesItsLastMillisecondThenNothingIsLeft()
            throws Exception {
        try (var h = harness()) {
            long w = at(10, 0);
            for (int i = 0; i < 6; i++) send(h, w, "on-" + i, Tier.ON_TIME, 0);
            send(h, w, "alice", Tier.LATE, 100);
            send(h, w, "alice", Tier.LATE, 300);
            send(h, w, "bob", Tier.LATE, 200);
            send(h, w, "carol", Tier.LOST, 40 * MINUTE);
            send(h, at(11, 0), "dave", Tier.ON_TIME, 0);
            assertThat(h.numEventTimeTimers()).isEqualTo(2);

            h.processWatermark(at(11, 0) - 2);
            assertThat(h.extractOutputValues()).isEmpty();

            h.processWatermark(at(11, 0) - 1);
            List<AuditRow> rows = h.extractOutputValues();
            assertThat(rows).hasSize(1);
            AuditRow r = rows.get(0);
            assertThat(r.windowStart()).isEqualTo(at(10, 0));
            assertThat(r.windowEnd()).isEqualTo(at(11, 0));
            assertThat(r.onTimeCount()).isEqualTo(6);
            assertThat(r.lateCount()).isEqualTo(3);
            assertThat(r.lostCount()).isEqualTo(1);
            assertThat(r.maxLatenessMs()).isEqualTo(40 * MINUTE);
            // lateness sorted: 100, 200, 300, 2400000; inclusive p50 = 2nd of 4, p99 = 4th
            assertThat(r.p50LatenessMs()).isEqualTo(200);
            assertThat(r.p99LatenessMs()).isEqualTo(40 * MINUTE);
            assertThat(r.affectedUsers()).isEqualTo(3);
            assertThat(r.lateRatio()).isEqualTo(0.4);

            h.processWatermark(at(12, 0) - 1);
            List<AuditRow> all = h.extractOutputValues();
            assertThat(all).hasSize(2);
            AuditRow quiet = all.get(1);
            assertThat(quiet.onTimeCount()).isEqualTo(1);
            assertThat(quiet.maxLatenessMs()).isNull();
            assertThat(quiet.p50LatenessMs()).isNull();
            assertThat(quiet.p99LatenessMs()).isNull();
            assertThat(quiet.affectedUsers()).isZero();
            assertThat(quiet.lateRatio()).isZero();

            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void manyWindowsDrainToZero() throws Exception {
        try (var h = harness()) {
            for (int i = 0; i < 5_000; i++) {
                send(h, at(i % 120, 0), "u" + (i % 77), i % 3 == 0 ? Tier.LATE : Tier.ON_TIME, i);
            }
            assertThat(h.numKeyedStateEntries()).isEqualTo(120);
            h.processWatermark(at(120, 0) - 1);
            assertThat(h.extractOutputValues()).hasSize(120);
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void theStateSerializerRoundTripsTheSketches() throws Exception {
        AuditAccumulator a = AuditAccumulator.empty(12);
        for (int i = 0; i < 1_000; i++) {
            a.add(new AuditEntry(0, "u" + (i % 50), i % 2 == 0 ? Tier.LATE : Tier.LOST, i));
        }
        org.apache.flink.core.memory.DataOutputSerializer out =
                new org.apache.flink.core.memory.DataOutputSerializer(256);
        AuditAccumulatorSerializer.INSTANCE.serialize(a, out);
        AuditAccumulator b =
                AuditAccumulatorSerializer.INSTANCE.deserialize(
                        new org.apache.flink.core.memory.DataInputDeserializer(
                                out.getCopyOfBuffer()));
        assertThat(b.toRow(0, MINUTE)).isEqualTo(a.toRow(0, MINUTE));
        assertThat(AuditAccumulatorSerializer.INSTANCE.copy(a).toRow(0, MINUTE))
                .isEqualTo(a.toRow(0, MINUTE));
        // 1000 values 0..999: KLL is approximate beyond k=200 items, within ~1.65% in rank
        assertThat(a.toRow(0, MINUTE).p50LatenessMs()).isBetween(450L, 550L);
        assertThat(a.toRow(0, MINUTE).affectedUsers()).isEqualTo(50);
    }
}
