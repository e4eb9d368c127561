package dev.eventflow.jobs.windowagg;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.at;
import static dev.eventflow.jobs.TestEvents.event;
import static dev.eventflow.jobs.TestEvents.purchase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.jobs.windowstats.WindowResult;
import dev.eventflow.jobs.windowstats.WindowSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.junit.jupiter.api.Test;

/**
 * The exactly-once proof for late events across a restore: the router and the window operator
 * exactly as {@link WindowAggregationJob#defineWorkflow} builds them, chained by hand (the router's
 * output, records and watermarks, fed straight into the window operator, as in the task's operator
 * chain), checkpointed after windows fired, then restored and fed the replay of the records read
 * after the checkpoint, which includes events that were late in the original run.
 *
 * <p>The committed output is what ran before the checkpoint plus everything after the restore (what
 * the failed run emitted after the checkpoint was in an aborted transaction). It must hold each
 * (user, window) once, equal to the ground truth. The same run with the router's former runtime (a
 * plain {@code KeyedProcessOperator}, no watermark floor) writes windows twice: the bug this guards
 * against.
 */
class RestoreWithoutDuplicateWindowsTest {

    private static final WindowSpec SPEC = new WindowSpec(5 * MINUTE, MINUTE, 12);

    /** The watermark of the original run at the checkpoint and when the late events came. */
    private static final long W = at(7, 0) - 1;

    /** The router and window operator of one job run, chained; without the floor on request. */
    private static WindowChain chain(boolean withFloor, OperatorSubtaskState[] restore)
            throws Exception {
        return new WindowChain(
                events -> WindowAggregationJob.defineWorkflow(events, SPEC),
                withFloor
                        ? null
                        : SimpleOperatorFactory.of(
                                new KeyedProcessOperator<>(new LateEventRouter(SPEC))),
                null,
                null,
                restore);
    }

    private static final class Outcome {
        final List<WindowResult> committed = new ArrayList<>();
        final List<UserEvent> lateAfterRestore = new ArrayList<>();
        final List<UserEvent> beforeCheckpoint = new ArrayList<>();
        final List<UserEvent> replayed = new ArrayList<>();
    }

    /**
     * Run 1 fires windows up to W and checkpoints; events read afterwards (late ones among them)
     * are lost with the failure; run 2 restores and reads them again, then the watermark moves on.
     */
    private static Outcome failAndRestore(boolean withFloor) throws Exception {
        Outcome o = new Outcome();
        o.beforeCheckpoint.add(event("alice", "s1", at(2, 30))); // windows end 10:03..10:07
        o.beforeCheckpoint.add(purchase("alice", "s2", at(4, 0), 10.0)); // 10:05..10:09
        o.beforeCheckpoint.add(event("bob", "s3", at(5, 0))); // 10:06..10:10
        o.replayed.add(purchase("alice", "s4", at(2, 40), 99.0)); // late for all 5 at W
        o.replayed.add(
                event("alice", "s5", at(3, 30))); // late for 4 of 5: counts in [10:03, 10:08)
        o.replayed.add(event("bob", "s6", at(1, 0))); // late: bob's windows there never existed
        o.replayed.add(event("carol", "s7", at(6, 0))); // on time

        OperatorSubtaskState[] checkpoint;
        try (WindowChain run1 = chain(withFloor, null)) {
            for (UserEvent e : o.beforeCheckpoint) run1.send(e);
            run1.watermark(W);
            o.committed.addAll(run1.rows());
            assertThat(o.committed).hasSize(7); // alice's 5 windows up to 10:07, bob's 2
            checkpoint = run1.checkpoint(1L);
            for (UserEvent e : o.replayed) run1.send(e); // then the task fails
        }

        try (WindowChain run2 = chain(withFloor, checkpoint)) {
            for (UserEvent e : o.replayed) run2.send(e);
            // The sources' first watermarks after a restore start from the replayed records.
            run2.watermark(at(0, 0));
            run2.watermark(at(20, 0));
            o.committed.addAll(run2.rows());
            o.lateAfterRestore.addAll(run2.late());
            assertThat(run2.router.numKeyedStateEntries()).isZero();
            assertThat(run2.window.numKeyedStateEntries()).isZero();
            assertThat(run2.window.numEventTimeTimers()).isZero();
        }
        return o;
    }

    @Test
    void eventsLateInTheOriginalRunStayLateAfterARestoreAndNoWindowIsWrittenTwice()
            throws Exception {
        Outcome o = failAndRestore(true);

        assertThat(o.lateAfterRestore)
                .containsExactly(o.replayed.get(0), o.replayed.get(2)); // as in the original run
        List<UserEvent> all = new ArrayList<>(o.beforeCheckpoint);
        all.addAll(o.replayed);
        var expected =
                ExpectedWindows.compute(
                        all,
                        SPEC.sizeMs,
                        SPEC.slideMs,
                        Long.MAX_VALUE,
                        e -> o.replayed.contains(e) ? W : Long.MIN_VALUE);
        ExpectedWindows.assertMatches(expected, o.committed, SPEC.lgK);
    }

    @Test
    void withoutTheFloorTheSameReplayWritesWindowsTwice() throws Exception {
        Outcome o = failAndRestore(false);

        assertThat(o.lateAfterRestore).isEmpty();
        List<UserEvent> all = new ArrayList<>(o.beforeCheckpoint);
        all.addAll(o.replayed);
        var expected =
                ExpectedWindows.compute(
                        all,
                        SPEC.sizeMs,
                        SPEC.slideMs,
                        Long.MAX_VALUE,
                        e -> o.replayed.contains(e) ? W : Long.MIN_VALUE);
        assertThatThrownBy(() -> ExpectedWindows.assertMatches(expected, o.committed, SPEC.lgK))
                .hasMessageContaining(
                        "duplicate window " + ExpectedWindows.key("alice", at(0, 0), at(5, 0)));
    }
}
