package dev.eventflow.jobs.windowagg;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.at;
import static dev.eventflow.jobs.TestEvents.event;
import static dev.eventflow.jobs.TestEvents.purchase;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.jobs.windowstats.UserIdKey;
import dev.eventflow.jobs.windowstats.WindowResult;
import dev.eventflow.jobs.windowstats.WindowSpec;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.StreamOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The window operator exactly as the job builds it, driven by hand: results appear once, when the
 * watermark passes each window's end (append mode), and afterwards no keyed state and no timers
 * remain: state is bounded by the watermark.
 */
class WindowOperatorHarnessTest {

    @SuppressWarnings("unchecked")
    private static KeyedOneInputStreamOperatorTestHarness<String, UserEvent, WindowResult> harness(
            WindowSpec spec) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        WindowAggregationJob.Outputs out =
                WindowAggregationJob.defineWorkflow(
                        env.fromData(TypeInformation.of(UserEvent.class), new UserEvent())
                                .uid("in"),
                        spec);
        StreamOperatorFactory<WindowResult> window =
                ((OneInputTransformation<UserEvent, WindowResult>)
                                out.results().getTransformation())
                        .getOperatorFactory();
        KeyedOneInputStreamOperatorTestHarness<String, UserEvent, WindowResult> h =
                new KeyedOneInputStreamOperatorTestHarness<>(window, new UserIdKey(), Types.STRING);
        h.open();
        return h;
    }

    private static void send(
            KeyedOneInputStreamOperatorTestHarness<String, UserEvent, WindowResult> h, UserEvent e)
            throws Exception {
        h.processElement(new StreamRecord<>(e, e.eventTime));
    }

    @Test
    void tumblingWindowEmitsOnceWhenTheWatermarkPassesItsEndThenForgetsIt() throws Exception {
        try (var h = harness(new WindowSpec(5 * MINUTE, 5 * MINUTE, 12))) {
            send(h, event("alice", "s1", at(0, 10)));
            send(h, purchase("alice", "s2", at(1, 0), 20.0));
            send(h, purchase("alice", "s2", at(4, 59), 5.0));
            send(h, event("bob", "s9", at(3, 0)));
            send(h, event("alice", "s3", at(5, 0))); // next window

            h.processWatermark(at(5, 0) - 2);
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.numEventTimeTimers()).isEqualTo(3); // alice x2 windows, bob x1

            h.processWatermark(at(5, 0) - 1); // the last millisecond of [10:00, 10:05)
            List<WindowResult> out = h.extractOutputValues();
            assertThat(out).hasSize(2);
            WindowResult alice =
                    out.stream().filter(r -> r.userId.equals("alice")).findFirst().orElseThrow();
            assertThat(alice.windowStart).isEqualTo(at(0, 0));
            assertThat(alice.windowEnd).isEqualTo(at(5, 0));
            assertThat(alice.events).isEqualTo(3);
            assertThat(alice.approxSessions).isEqualTo(2);
            assertThat(alice.purchases).isEqualTo(2);
            assertThat(alice.sumAmount).isEqualTo(25.0);
            assertThat(alice.avgAmount).isEqualTo(12.5);
            assertThat(alice.minAmount).isEqualTo(5.0);
            assertThat(alice.maxAmount).isEqualTo(20.0);
            WindowResult bob =
                    out.stream().filter(r -> r.userId.equals("bob")).findFirst().orElseThrow();
            assertThat(bob.sumAmount).isNull();
            assertThat(bob.avgAmount).isNull();

            h.processWatermark(at(10, 0) - 1);
            assertThat(h.extractOutputValues()).hasSize(3);
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void slidingWindowsEachEmitOnceAndStateDrains() throws Exception {
        try (var h = harness(new WindowSpec(5 * MINUTE, MINUTE, 12))) {
            send(h, event("alice", "s1", at(2, 30)));
            send(h, event("alice", "s2", at(3, 30)));
            // windows containing 10:02:30 start 09:58..10:02; containing 10:03:30 start
            // 09:59..10:03
            h.processWatermark(at(3, 0) - 1); // closes [09:58, 10:03)
            assertThat(h.extractOutputValues()).extracting(r -> r.events).containsExactly(1L);
            h.snapshot(1L, 1L); // writes the cached slices back into keyed state
            // alice's slice map ([10:02, 10:03) is still needed by four windows, [10:03, 10:04)
            // by five); the heap backend counts one entry per user
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            assertThat(h.numEventTimeTimers()).isEqualTo(1); // the next window end, 10:03:59.999

            h.processWatermark(at(8, 0) - 1); // closes everything up to [10:03, 10:08)
            List<WindowResult> out = h.extractOutputValues();
            assertThat(out).hasSize(6);
            assertThat(out).extracting(r -> r.events).containsExactly(1L, 2L, 2L, 2L, 2L, 1L);
            assertThat(out)
                    .extracting(r -> r.approxSessions)
                    .containsExactly(1L, 2L, 2L, 2L, 2L, 1L);
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void manyUsersStateReturnsToZeroAfterTheWatermarkPasses() throws Exception {
        try (var h = harness(new WindowSpec(5 * MINUTE, MINUTE, 12))) {
            for (int i = 0; i < 1_000; i++) {
                send(h, event("user-" + i, "s-" + i, at(i % 60, i % 60)));
            }
            h.snapshot(1L, 1L); // writes the cached slices back into keyed state
            assertThat(h.numKeyedStateEntries()).isEqualTo(1_000); // one slice map per user
            h.processWatermark(at(70, 0));
            assertThat(h.extractOutputValues()).hasSize(5_000);
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }
}
