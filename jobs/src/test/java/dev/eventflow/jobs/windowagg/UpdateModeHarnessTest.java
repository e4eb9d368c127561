package dev.eventflow.jobs.windowagg;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.T0;
import static dev.eventflow.jobs.TestEvents.at;
import static dev.eventflow.jobs.TestEvents.purchase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.jobs.windowstats.WindowResult;
import dev.eventflow.jobs.windowstats.WindowSpec;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.junit.jupiter.api.Test;

/**
 * Update mode ({@code --output-mode update --allowed-lateness 3m}) on the job's own router and
 * sliced window operator, chained in harnesses, driven record by record and watermark by watermark:
 * every row written (window, revision, final flag, values), the late side output, and, after the
 * watermark has passed every window's end + lateness, no slice, no revision entry, no timer and
 * nothing cached.
 */
class UpdateModeHarnessTest {

    private static final WindowSpec SPEC = new WindowSpec(5 * MINUTE, MINUTE, 12);
    private static final long LATENESS = 3 * MINUTE;

    /** (window end as minutes after T0, revision, final, events, sum_amount). */
    private record Row(long endMinute, int revision, boolean isFinal, long events, Double sum) {
        static Row of(WindowResult r) {
            return new Row(
                    (r.windowEnd - T0) / MINUTE, r.revision, r.isFinal, r.events, r.sumAmount);
        }
    }

    private static WindowChain chain() throws Exception {
        return new WindowChain(
                e -> WindowAggregationJob.defineWorkflow(e, SPEC, OutputMode.UPDATE, LATENESS),
                null,
                null,
                null);
    }

    private static List<Row> drainRows(WindowChain chain) {
        List<Row> rows = chain.rows().stream().map(Row::of).toList();
        chain.window.getOutput().clear();
        return rows;
    }

    @Test
    void aWindowIsWrittenAtItsEndCorrectedByEventsWithinTheLatenessThenWrittenFinal()
            throws Exception {
        try (WindowChain chain = chain()) {
            UserEvent e1 = purchase("u", "s1", at(2, 0), 10.0); // windows ending 10:03 .. 10:07
            chain.send(e1);
            chain.watermark(at(3, 0) - 1);
            assertThat(drainRows(chain)).containsExactly(new Row(3, 0, false, 1, 10.0));

            // Behind the watermark, within the lateness of every window it belongs to: the two
            // windows already written are written again (10:02 was empty, so its first row).
            chain.send(purchase("u", "s2", at(1, 30), 5.0));
            assertThat(drainRows(chain))
                    .containsExactly(new Row(2, 0, false, 1, 5.0), new Row(3, 1, false, 2, 15.0));

            // 10:04..10:06 reach their end; 10:02 and 10:03 their end + 3 minutes: final rows.
            chain.watermark(at(6, 0) - 1);
            assertThat(drainRows(chain))
                    .containsExactly(
                            new Row(4, 0, false, 2, 15.0),
                            new Row(2, 1, true, 1, 5.0),
                            new Row(5, 0, false, 2, 15.0),
                            new Row(3, 2, true, 2, 15.0),
                            new Row(6, 0, false, 2, 15.0));

            // Final for 10:01..10:03 (not counted there), live for 10:04 and 10:05: corrected.
            chain.send(purchase("u", "s3", at(0, 30), 1.0));
            assertThat(drainRows(chain))
                    .containsExactly(new Row(4, 1, false, 3, 16.0), new Row(5, 1, false, 3, 16.0));

            // Final for all of its windows (10:00 .. 10:03): the late topic, no row.
            UserEvent tooLate = purchase("u", "s4", at(-2, 0), 100.0);
            chain.send(tooLate);
            assertThat(drainRows(chain)).isEmpty();
            assertThat(chain.late()).containsExactly(tooLate);

            chain.watermark(Long.MAX_VALUE);
            assertThat(drainRows(chain))
                    .containsExactly(
                            new Row(4, 2, true, 3, 16.0), // timer 10:06:59.999: final first
                            new Row(7, 0, false, 1, 10.0),
                            new Row(5, 2, true, 3, 16.0),
                            new Row(6, 1, true, 2, 15.0),
                            new Row(7, 1, true, 1, 10.0));
            assertDrained(chain);
        }
    }

    @Test
    void withZeroLatenessEveryWindowIsWrittenOnceAndFinal() throws Exception {
        try (WindowChain chain =
                new WindowChain(
                        e -> WindowAggregationJob.defineWorkflow(e, SPEC, OutputMode.UPDATE, 0),
                        null,
                        null,
                        null)) {
            chain.send(purchase("u", "s1", at(2, 0), 10.0));
            chain.watermark(at(4, 0) - 1);
            UserEvent partial = purchase("u", "s2", at(1, 30), 5.0); // counts in 10:05, 10:06
            chain.send(partial);
            chain.watermark(Long.MAX_VALUE);
            assertThat(drainRows(chain))
                    .containsExactly(
                            new Row(3, 0, true, 1, 10.0),
                            new Row(4, 0, true, 1, 10.0),
                            new Row(5, 0, true, 2, 15.0),
                            new Row(6, 0, true, 2, 15.0),
                            new Row(7, 0, true, 1, 10.0));
            assertThat(chain.late()).isEmpty();
            assertDrained(chain);
        }
    }

    @Test
    void aSnapshotOfOneOutputModeIsRefusedByTheOtherWithInstructions() throws Exception {
        OperatorSubtaskState[] append;
        try (WindowChain chain =
                new WindowChain(
                        e -> WindowAggregationJob.defineWorkflow(e, SPEC), null, null, null)) {
            chain.send(purchase("u", "s1", at(2, 0), 10.0));
            append = chain.checkpoint(1L);
        }
        OperatorSubtaskState[] update;
        try (WindowChain chain = chain()) {
            chain.send(purchase("u", "s1", at(2, 0), 10.0));
            update = chain.checkpoint(1L);
        }
        assertThatThrownBy(
                        () ->
                                new WindowChain(
                                                e ->
                                                        WindowAggregationJob.defineWorkflow(
                                                                e,
                                                                SPEC,
                                                                OutputMode.UPDATE,
                                                                LATENESS),
                                                null,
                                                null,
                                                append)
                                        .close())
                .hasStackTraceContaining("taken with --output-mode append")
                .hasStackTraceContaining("WITHOUT the savepoint");
        assertThatThrownBy(
                        () ->
                                new WindowChain(
                                                e -> WindowAggregationJob.defineWorkflow(e, SPEC),
                                                null,
                                                null,
                                                update)
                                        .close())
                .hasStackTraceContaining("taken with --output-mode update");
        // The same mode restores.
        try (WindowChain chain =
                new WindowChain(
                        e ->
                                WindowAggregationJob.defineWorkflow(
                                        e, SPEC, OutputMode.UPDATE, LATENESS),
                        null,
                        null,
                        update)) {
            chain.watermark(Long.MAX_VALUE);
            assertThat(drainRows(chain))
                    .containsExactly(
                            new Row(3, 0, false, 1, 10.0),
                            new Row(4, 0, false, 1, 10.0),
                            new Row(5, 0, false, 1, 10.0),
                            new Row(3, 1, true, 1, 10.0),
                            new Row(6, 0, false, 1, 10.0),
                            new Row(4, 1, true, 1, 10.0),
                            new Row(7, 0, false, 1, 10.0),
                            new Row(5, 1, true, 1, 10.0),
                            new Row(6, 1, true, 1, 10.0),
                            new Row(7, 1, true, 1, 10.0));
            assertDrained(chain);
        }
    }

    @Test
    void aSavepointRestoresWithAnotherAllowedLatenessAndEveryWindowStillEndsFinalAndDrained()
            throws Exception {
        for (long newLateness : new long[] {0, MINUTE, 5 * MINUTE}) {
            OperatorSubtaskState[] saved;
            try (WindowChain chain = chain()) { // 3 minutes
                chain.send(purchase("u", "s1", at(2, 0), 10.0));
                chain.watermark(at(4, 0) - 1); // 10:03 and 10:04 written, final at 10:06, 10:07
                saved = chain.checkpoint(1L);
            }
            try (WindowChain chain =
                    new WindowChain(
                            e ->
                                    WindowAggregationJob.defineWorkflow(
                                            e, SPEC, OutputMode.UPDATE, newLateness),
                            null,
                            null,
                            saved)) {
                chain.watermark(Long.MAX_VALUE);
                List<Row> rows = drainRows(chain);
                for (long end = 3; end <= 7; end++) {
                    long e = end;
                    assertThat(rows.stream().filter(r -> r.endMinute == e && r.isFinal))
                            .as("lateness " + newLateness + ": final row of the window ending " + e)
                            .hasSize(1);
                }
                assertDrained(chain);
            }
        }
    }

    /** No slice or revision in keyed state, no timer, nothing cached. */
    static void assertDrained(WindowChain chain) throws Exception {
        SlicedWindowOperator op = (SlicedWindowOperator) chain.window.getOperator();
        chain.window.snapshot(99L, 99L); // write back anything still cached
        for (String state :
                List.of(SlicedWindowOperator.SLICES_STATE, SlicedWindowOperator.REVISIONS_STATE)) {
            try (Stream<Object> keys =
                    op.getKeyedStateBackend().getKeys(state, VoidNamespace.INSTANCE)) {
                assertThat(keys.count()).as("users with " + state).isZero();
            }
        }
        assertThat(chain.window.numEventTimeTimers()).as("event-time timers").isZero();
        assertThat(op.cachedSlices()).as("cached slices").isZero();
    }
}
