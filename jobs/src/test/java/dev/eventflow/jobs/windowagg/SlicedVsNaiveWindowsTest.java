package dev.eventflow.jobs.windowagg;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.jobs.windowstats.WindowResult;
import dev.eventflow.jobs.windowstats.WindowSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The differential proof of {@link SlicedWindowOperator}: on the same randomized record and
 * watermark sequence, the job's sliced windows write exactly the rows of Flink's own {@code
 * SlidingEventTimeWindows}/{@code TumblingEventTimeWindows} with the per-window aggregate ({@link
 * NaiveWindowTopology}), and send the same events to the late topic.
 *
 * <p>Each scenario mixes disorder within the watermark delay, events late for some of their windows
 * (they must count in the open ones only), events late for all (late topic), events far ahead of
 * the watermark, events on slice and window boundaries, gaps that leave slices and whole windows
 * empty, watermark jumps that fire many windows at once, and users with enough sessions to push
 * small HLL sketches (lgK 4) from list to set to HLL mode. Window shapes: sliding with the slide
 * dividing the size, sliding with it not dividing (slices of gcd(size, slide)), tumbling. The
 * sliced side runs on the heap and on RocksDB, with the default slice cache and with a cache of one
 * to three slices (constant write-back), and once through a checkpoint and restore mid-stream.
 * After the end of input its keyed state, timers and cache are empty.
 */
class SlicedVsNaiveWindowsTest {

    private static final WindowSpec[] SHAPES = {
        new WindowSpec(5 * MINUTE, MINUTE, 4),
        new WindowSpec(5 * MINUTE, MINUTE, 12),
        new WindowSpec(5 * MINUTE, 2 * MINUTE, 5), // slices of 1 minute
        new WindowSpec(6 * MINUTE, 4 * MINUTE, 4), // slices of 2 minutes
        new WindowSpec(10 * MINUTE, 10 * MINUTE, 4), // tumbling
        new WindowSpec(MINUTE, MINUTE, 12),
    };

    /** A record, or a watermark when {@code event} is null. */
    private record Step(UserEvent event, long watermark) {}

    private enum Variant {
        HEAP,
        HEAP_TINY_CACHE,
        ROCKSDB_TINY_CACHE,
        ROCKSDB_RESTORED_MID_STREAM
    }

    static Stream<Arguments> scenarios() {
        List<Arguments> out = new ArrayList<>();
        for (int seed = 1; seed <= 24; seed++) {
            out.add(Arguments.of(seed, SHAPES[seed % SHAPES.length]));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "seed {0}: {1}")
    @MethodSource("scenarios")
    void slicedWindowsWriteExactlyTheRowsOfPerWindowAggregation(int seed, WindowSpec spec)
            throws Exception {
        List<Step> steps = scenario(seed, spec);

        List<WindowResult> naiveRows;
        List<UserEvent> naiveLate;
        try (WindowChain naive =
                new WindowChain(
                        e -> NaiveWindowTopology.defineWorkflow(e, spec), null, null, null)) {
            run(naive, steps);
            naiveRows = naive.rows();
            naiveLate = naive.late();
        }
        assertThat(naiveRows).isNotEmpty();

        for (Variant variant : Variant.values()) {
            List<WindowResult> rows = new ArrayList<>();
            List<UserEvent> late = new ArrayList<>();
            runSliced(variant, spec, steps, new SplittableRandom(seed), rows, late);
            assertSameRows(variant, rows, naiveRows);
            assertThat(late).as(variant + ": late events").isEqualTo(naiveLate);
        }
    }

    private static void runSliced(
            Variant variant,
            WindowSpec spec,
            List<Step> steps,
            SplittableRandom random,
            List<WindowResult> rows,
            List<UserEvent> late)
            throws Exception {
        int cache =
                variant == Variant.HEAP_TINY_CACHE || variant == Variant.ROCKSDB_TINY_CACHE
                        ? 1 + random.nextInt(3)
                        : SlicedWindowOperator.DEFAULT_MAX_CACHED_USERS;
        StateBackend backend =
                variant == Variant.HEAP || variant == Variant.HEAP_TINY_CACHE
                        ? null // the harness's heap backend
                        : new EmbeddedRocksDBStateBackend();
        int restoreAt =
                variant == Variant.ROCKSDB_RESTORED_MID_STREAM
                        ? random.nextInt(steps.size())
                        : steps.size();
        OperatorSubtaskState[] checkpoint;
        try (WindowChain first = sliced(spec, cache, backend, null)) {
            run(first, steps.subList(0, restoreAt));
            rows.addAll(first.rows());
            late.addAll(first.late());
            if (restoreAt == steps.size()) {
                assertDrained(first);
                return;
            }
            checkpoint = first.checkpoint(1L);
        }
        try (WindowChain second = sliced(spec, cache, backend, checkpoint)) {
            run(second, steps.subList(restoreAt, steps.size()));
            rows.addAll(second.rows());
            late.addAll(second.late());
            assertDrained(second);
        }
    }

    private static WindowChain sliced(
            WindowSpec spec, int cache, StateBackend backend, OperatorSubtaskState[] restore)
            throws Exception {
        return new WindowChain(
                e -> WindowAggregationJob.defineWorkflow(e, spec),
                SimpleOperatorFactory.of(new SlicedWindowOperator(spec, cache)),
                backend,
                restore);
    }

    private static void run(WindowChain chain, List<Step> steps) throws Exception {
        for (Step s : steps) {
            if (s.event != null) {
                chain.send(s.event);
            } else {
                chain.watermark(s.watermark);
            }
        }
    }

    /** No slice in keyed state (either backend), no timer, nothing cached. */
    private static void assertDrained(WindowChain chain) throws Exception {
        SlicedWindowOperator op = (SlicedWindowOperator) chain.window.getOperator();
        chain.window.snapshot(99L, 99L); // write back anything still cached
        try (Stream<Object> keys =
                op.getKeyedStateBackend()
                        .getKeys(SlicedWindowOperator.SLICES_STATE, VoidNamespace.INSTANCE)) {
            assertThat(keys.count()).as("users with slices in keyed state").isZero();
        }
        assertThat(chain.window.numEventTimeTimers()).as("event-time timers").isZero();
        assertThat(op.cachedSlices()).as("cached slices").isZero();
    }

    private static final Comparator<WindowResult> BY_WINDOW =
            Comparator.<WindowResult, String>comparing(r -> r.userId)
                    .thenComparingLong(r -> r.windowStart)
                    .thenComparingLong(r -> r.windowEnd);

    /**
     * Same rows, field by field. Sums of amounts may differ in the last bits (floating-point
     * addition happens per slice first, see {@code WindowAssembler}); everything else is exact.
     */
    private static void assertSameRows(
            Variant variant, List<WindowResult> actual, List<WindowResult> expected) {
        List<WindowResult> a = new ArrayList<>(actual);
        List<WindowResult> e = new ArrayList<>(expected);
        a.sort(BY_WINDOW);
        e.sort(BY_WINDOW);
        assertThat(a).as(variant + ": row count").hasSize(e.size());
        for (int i = 0; i < e.size(); i++) {
            WindowResult want = e.get(i);
            WindowResult got = a.get(i);
            String row = variant + ": " + want;
            assertThat(got.userId).as(row).isEqualTo(want.userId);
            assertThat(got.windowStart).as(row).isEqualTo(want.windowStart);
            assertThat(got.windowEnd).as(row).isEqualTo(want.windowEnd);
            assertSameValues(row, got, want);
        }
    }

    /** Every aggregate of two rows of the same window; the amounts' sums to 1e-9 relative. */
    static void assertSameValues(String row, WindowResult got, WindowResult want) {
        assertThat(got.events).as(row + " events").isEqualTo(want.events);
        assertThat(got.approxSessions).as(row + " sessions").isEqualTo(want.approxSessions);
        assertThat(got.purchases).as(row + " purchases").isEqualTo(want.purchases);
        assertThat(got.minAmount).as(row + " min").isEqualTo(want.minAmount);
        assertThat(got.maxAmount).as(row + " max").isEqualTo(want.maxAmount);
        assertClose(row + " sum", got.sumAmount, want.sumAmount);
        assertClose(row + " avg", got.avgAmount, want.avgAmount);
    }

    private static void assertClose(String what, Double got, Double want) {
        if (want == null) {
            assertThat(got).as(what).isNull();
        } else {
            assertThat(got).as(what).isNotNull();
            assertThat(Math.abs(got - want))
                    .as(what + ": " + got + " vs " + want)
                    .isLessThanOrEqualTo(1e-9 * Math.max(1, Math.abs(want)));
        }
    }

    /** A seeded sequence of records and watermarks exercising every lateness case. */
    private static List<Step> scenario(long seed, WindowSpec spec) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Step> steps = new ArrayList<>();
        int users = 1 + r.nextInt(6);
        long delay = r.nextLong(spec.sizeMs + 1); // bounded out-of-orderness
        long clock = T0 + r.nextLong(spec.sizeMs);
        long maxSeen = Long.MIN_VALUE;
        long watermark = Long.MIN_VALUE;
        int events = 300 + r.nextInt(300);
        String[] types = {"page_view", "click", "add_to_cart", "purchase"};
        for (int i = 0; i < events; i++) {
            int gap = r.nextInt(100);
            if (gap < 3) {
                clock += spec.sizeMs * (1 + r.nextInt(3)); // empty slices and windows
            } else {
                clock += r.nextLong(spec.paneMs / 3 + 1);
            }
            long t;
            int kind = r.nextInt(100);
            if (kind < 65 || watermark == Long.MIN_VALUE) {
                t = clock - r.nextLong(delay + 1); // disorder within the delay
            } else if (kind < 77) {
                t = watermark - r.nextLong(spec.sizeMs); // late for some windows, or all
            } else if (kind < 83) {
                t = watermark - spec.sizeMs - r.nextLong(10 * spec.sizeMs); // very late
            } else if (kind < 88) {
                t = clock + r.nextLong(3 * spec.sizeMs); // far ahead of the watermark
            } else if (kind < 94) {
                t = spec.paneStart(clock); // a slice boundary
            } else {
                t = spec.lastWindowStart(clock) - 1; // the last millisecond of a window
            }
            String user = "user-" + r.nextInt(users);
            boolean manySessions = user.equals("user-0");
            String session = "s-" + r.nextInt(manySessions ? 400 : 4);
            String type = types[r.nextInt(types.length)];
            Double amount =
                    r.nextInt(3) == 0 ? null : Math.round(r.nextDouble(0.01, 500) * 100) / 100.0;
            steps.add(
                    new Step(
                            new UserEvent("e-" + seed + "-" + i, user, session, type, t, amount),
                            0));
            maxSeen = Math.max(maxSeen, t);
            if (r.nextInt(8) == 0) {
                long next =
                        r.nextInt(15) == 0
                                ? maxSeen + r.nextLong(2 * spec.sizeMs) // a jump
                                : maxSeen - delay - 1;
                if (next > watermark) {
                    watermark = next;
                    steps.add(new Step(null, watermark));
                }
            }
        }
        steps.add(new Step(null, Long.MAX_VALUE)); // end of input: every window fires
        return steps;
    }
}
