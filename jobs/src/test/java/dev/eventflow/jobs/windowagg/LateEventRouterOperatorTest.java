package dev.eventflow.jobs.windowagg;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.at;
import static dev.eventflow.jobs.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.jobs.windowstats.UserIdKey;
import dev.eventflow.jobs.windowstats.WindowSpec;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The watermark floor of {@link LateEventRouterOperator}: checkpointed, restored (also rescaled, as
 * the minimum over the old subtasks), emitted before any record, never undercut by a lower incoming
 * watermark. 5m windows sliding by 1m: 10:02:30 is in the windows ending 10:03..10:07, all closed
 * at watermark W = 10:07 - 1ms; 10:03:30 is in those ending 10:04..10:08, four of them closed at W.
 */
class LateEventRouterOperatorTest {

    private static final int MAX_PARALLELISM = 128;
    private static final long W = at(7, 0) - 1;

    private final WindowSpec spec = new WindowSpec(5 * MINUTE, MINUTE, 12);

    private KeyedOneInputStreamOperatorTestHarness<String, UserEvent, UserEvent> harness(
            OneInputStreamOperator<UserEvent, UserEvent> operator, int parallelism, int subtask)
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                operator, new UserIdKey(), Types.STRING, MAX_PARALLELISM, parallelism, subtask);
    }

    private KeyedOneInputStreamOperatorTestHarness<String, UserEvent, UserEvent> harness()
            throws Exception {
        return harness(new LateEventRouterOperator(spec), 1, 0);
    }

    private static List<Long> watermarks(AbstractStreamOperatorTestHarness<UserEvent> h) {
        return h.getOutput().stream()
                .filter(o -> o instanceof Watermark)
                .map(o -> ((Watermark) o).getTimestamp())
                .collect(Collectors.toList());
    }

    private static List<LateEvent> late(AbstractStreamOperatorTestHarness<UserEvent> h) {
        return h.getSideOutput(LateEventRouter.LATE) == null
                ? List.of()
                : h.getSideOutput(LateEventRouter.LATE).stream()
                        .map(StreamRecord::getValue)
                        .collect(Collectors.toList());
    }

    private static void send(
            KeyedOneInputStreamOperatorTestHarness<String, UserEvent, UserEvent> h, UserEvent e)
            throws Exception {
        h.processElement(new StreamRecord<>(e, e.eventTime));
    }

    /** Runs a fresh router up to watermark {@code w} and takes a checkpoint. */
    private OperatorSubtaskState checkpointAt(long w, int parallelism, int subtask)
            throws Exception {
        try (var h = harness(new LateEventRouterOperator(spec), parallelism, subtask)) {
            h.open();
            h.processWatermark(w);
            assertThat(watermarks(h)).containsExactly(w);
            return h.snapshot(1L, 1L);
        }
    }

    @Test
    void aFreshStartEmitsNothingAtOpenAndForwardsRisingWatermarks() throws Exception {
        try (var h = harness()) {
            h.open();
            assertThat(h.getOutput()).isEmpty();
            h.processWatermark(at(1, 0));
            h.processWatermark(at(1, 0)); // equal: nothing new
            h.processWatermark(at(2, 0));
            assertThat(watermarks(h)).containsExactly(at(1, 0), at(2, 0));
        }
    }

    @Test
    void afterARestoreTheFloorIsEmittedFirstAndLateVerdictsHold() throws Exception {
        OperatorSubtaskState checkpoint = checkpointAt(W, 1, 0);

        LateEventRouterOperator operator = new LateEventRouterOperator(spec);
        try (var h = harness(operator, 1, 0)) {
            h.initializeState(checkpoint);
            h.open();
            // Before any record: the chained window operator is back at W.
            assertThat(h.getOutput()).containsExactly(new Watermark(W));
            assertThat(operator.floor()).isEqualTo(W);

            // The sources restart their watermarks from scratch: lower ones are not forwarded.
            h.processWatermark(Long.MIN_VALUE);
            h.processWatermark(at(1, 0));
            h.processWatermark(W);

            UserEvent allLate = event("u1", "s1", at(2, 30));
            UserEvent partlyLate = event("u1", "s1", at(3, 30));
            send(h, allLate);
            send(h, partlyLate);
            assertThat(late(h)).extracting(l -> l.event()).containsExactly(allLate);
            assertThat(late(h).get(0).watermark()).isEqualTo(W);
            assertThat(h.extractOutputValues()).containsExactly(partlyLate);
            assertThat(((LateEventRouter) operator.getUserFunction()).counts())
                    .containsExactly(1, 1, 4);

            h.processWatermark(at(9, 0));
            assertThat(watermarks(h)).containsExactly(W, at(9, 0));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aRescaledRestoreStartsEverySubtaskAtTheLowestOldFloor() throws Exception {
        OperatorSubtaskState both =
                AbstractStreamOperatorTestHarness.repackageState(
                        checkpointAt(W, 2, 0), checkpointAt(at(9, 0), 2, 1));

        for (int parallelism : new int[] {1, 3}) {
            for (int subtask = 0; subtask < parallelism; subtask++) {
                LateEventRouterOperator operator = new LateEventRouterOperator(spec);
                try (var h = harness(operator, parallelism, subtask)) {
                    h.initializeState(
                            AbstractStreamOperatorTestHarness.repartitionOperatorState(
                                    both, MAX_PARALLELISM, 2, parallelism, subtask));
                    h.open();
                    assertThat(watermarks(h))
                            .as("parallelism %d, subtask %d", parallelism, subtask)
                            .containsExactly(W);
                    assertThat(operator.floor()).isEqualTo(W);
                    h.processWatermark(at(8, 0));
                    assertThat(watermarks(h)).containsExactly(W, at(8, 0));
                    if (parallelism == 1) { // owns every key group
                        send(h, event("u1", "s1", at(2, 30)));
                        assertThat(late(h)).hasSize(1);
                    }
                }
            }
        }
    }

    @Test
    void aSavepointOfThePlainRouterRestoresWithoutAFloor() throws Exception {
        OperatorSubtaskState old;
        try (var h = harness(new KeyedProcessOperator<>(new LateEventRouter(spec)), 1, 0)) {
            h.open();
            h.processWatermark(W);
            old = h.snapshot(1L, 1L);
        }
        LateEventRouterOperator operator = new LateEventRouterOperator(spec);
        try (var h = harness(operator, 1, 0)) {
            h.initializeState(old);
            h.open();
            assertThat(h.getOutput()).isEmpty();
            assertThat(operator.floor()).isEqualTo(Long.MIN_VALUE);
        }
    }

    @Test
    void endOfInputIsForwardedButTheCheckpointKeepsTheLastRealWatermark() throws Exception {
        OperatorSubtaskState checkpoint;
        try (var h = harness()) {
            h.open();
            h.processWatermark(W);
            h.processWatermark(Long.MAX_VALUE); // a bounded run's end, or stop --drain
            assertThat(watermarks(h)).containsExactly(W, Long.MAX_VALUE);
            checkpoint = h.snapshot(1L, 1L);
        }
        try (var h = harness()) {
            h.initializeState(checkpoint);
            h.open();
            assertThat(watermarks(h)).containsExactly(W);
        }
    }

    @Test
    void idlenessPassesThroughUnchanged() throws Exception {
        try (var h = harness(new LateEventRouterOperator(spec), 1, 0)) {
            h.initializeState(checkpointAt(W, 1, 0));
            h.open();
            h.processWatermarkStatus(WatermarkStatus.IDLE);
            h.processWatermarkStatus(WatermarkStatus.ACTIVE);
            assertThat(h.getOutput())
                    .containsExactly(
                            new Watermark(W), WatermarkStatus.IDLE, WatermarkStatus.ACTIVE);
        }
    }
}
