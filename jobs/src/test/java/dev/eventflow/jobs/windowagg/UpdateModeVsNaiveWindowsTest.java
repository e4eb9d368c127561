package dev.eventflow.jobs.windowagg;

import static dev.eventflow.jobs.TestEvents.MINUTE;
import static dev.eventflow.jobs.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.jobs.windowstats.WindowResult;
import dev.eventflow.jobs.windowstats.WindowSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.SimpleOperatorFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The differential proof of update mode: on the same randomized record and watermark sequence, the
 * sliced operator in update mode writes, per window, exactly the sequence of rows of Flink's own
 * sliding/tumbling windows with {@code allowedLateness} ({@link
 * NaiveWindowTopology#defineUpdating}: a row when the watermark passes the end, one more per event
 * within the lateness), plus one last row per window flagged final with the same values, and sends
 * the same events to the late topic. Revisions count 0, 1, 2... per window. Heap and RocksDB, tiny
 * slice caches, and a checkpoint and restore mid-stream (the revisions and pending final rows
 * survive it); keyed state, timers and cache drained at the end.
 */
class UpdateModeVsNaiveWindowsTest {

    private static final WindowSpec[] SHAPES = {
        new WindowSpec(5 * MINUTE, MINUTE, 4),
        new WindowSpec(5 * MINUTE, 2 * MINUTE, 5), // slices of 1 minute
        new WindowSpec(10 * MINUTE, 10 * MINUTE, 4), // tumbling
        new WindowSpec(6 * MINUTE, 4 * MINUTE, 12), // slices of 2 minutes
    };

    private record Step(UserEvent event, long watermark) {}

    private enum Variant {
        HEAP,
        HEAP_TINY_CACHE,
        ROCKSDB_TINY_CACHE,
        ROCKSDB_RESTORED_MID_STREAM
    }

    static Stream<Arguments> scenarios() {
        List<Arguments> out = new ArrayList<>();
        for (int seed = 1; seed <= 12; seed++) {
            WindowSpec spec = SHAPES[seed % SHAPES.length];
            // Lateness: zero, below the slide, a few slides, longer than the window.
            long[] latenesses = {0, spec.slideMs / 2, 3 * spec.slideMs, 2 * spec.sizeMs};
            out.add(Arguments.of(seed, spec, latenesses[seed % latenesses.length]));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "seed {0}: {1}, lateness {2} ms")
    @MethodSource("scenarios")
    void updateModeWritesFlinksAllowedLatenessFiringsPlusOneFinalRowPerWindow(
            int seed, WindowSpec spec, long lateness) throws Exception {
        List<Step> steps = scenario(seed, spec, lateness);

        List<WindowResult> naiveRows;
        List<UserEvent> naiveLate;
        try (WindowChain naive =
                new WindowChain(
                        e -> NaiveWindowTopology.defineUpdating(e, spec, lateness),
                        null,
                        null,
                        null)) {
            run(naive, steps);
            naiveRows = naive.rows();
            naiveLate = naive.late();
        }
        assertThat(naiveRows).isNotEmpty();
        assertThat(naiveLate).as("the scenario has events beyond the lateness").isNotEmpty();

        for (Variant variant : Variant.values()) {
            List<WindowResult> rows = new ArrayList<>();
            List<UserEvent> late = new ArrayList<>();
            runSliced(variant, spec, lateness, steps, new SplittableRandom(seed), rows, late);
            assertSameFirings(variant + "", rows, naiveRows, lateness);
            assertThat(late).as(variant + ": late events").isEqualTo(naiveLate);
        }
    }

    private static void runSliced(
            Variant variant,
            WindowSpec spec,
            long lateness,
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
                        ? null
                        : new EmbeddedRocksDBStateBackend();
        int restoreAt =
                variant == Variant.ROCKSDB_RESTORED_MID_STREAM
                        ? steps.size() / 3 + random.nextInt(steps.size() / 3)
                        : steps.size();
        OperatorSubtaskState[] checkpoint;
        try (WindowChain first = sliced(spec, lateness, cache, backend, null)) {
            run(first, steps.subList(0, restoreAt));
            rows.addAll(copies(first.rows()));
            late.addAll(first.late());
            if (restoreAt == steps.size()) {
                UpdateModeHarnessTest.assertDrained(first);
                return;
            }
            checkpoint = first.checkpoint(1L);
        }
        try (WindowChain second = sliced(spec, lateness, cache, backend, checkpoint)) {
            run(second, steps.subList(restoreAt, steps.size()));
            rows.addAll(copies(second.rows()));
            late.addAll(second.late());
            UpdateModeHarnessTest.assertDrained(second);
        }
    }

    /** The harness keeps the emitted objects; the operator makes a new one per row anyway. */
    private static List<WindowResult> copies(List<WindowResult> rows) {
        return new ArrayList<>(rows);
    }

    private static WindowChain sliced(
            WindowSpec spec,
            long lateness,
            int cache,
            StateBackend backend,
            OperatorSubtaskState[] restore)
            throws Exception {
        return new WindowChain(
                e -> WindowAggregationJob.defineWorkflow(e, spec, OutputMode.UPDATE, lateness),
                SimpleOperatorFactory.of(SlicedWindowOperator.updating(spec, lateness, cache)),
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

    private static String window(WindowResult r) {
        return r.userId + " [" + r.windowStart + ", " + r.windowEnd + ")";
    }

    /**
     * Per window, in the order written: the sliced rows without the final row are the naive
     * firings; revisions count up from 0; the final row repeats the last firing's values (with zero
     * lateness, the only firing is the final row itself).
     */
    static void assertSameFirings(
            String variant, List<WindowResult> sliced, List<WindowResult> naive, long lateness) {
        Map<String, List<WindowResult>> got = byWindow(sliced);
        Map<String, List<WindowResult>> want = byWindow(naive);
        assertThat(got.keySet()).as(variant + ": windows").isEqualTo(want.keySet());
        for (Map.Entry<String, List<WindowResult>> e : want.entrySet()) {
            String w = variant + ": " + e.getKey();
            List<WindowResult> firings = e.getValue();
            List<WindowResult> rows = got.get(e.getKey());
            for (int i = 0; i < rows.size(); i++) {
                assertThat(rows.get(i).revision).as(w + " revision of row " + i).isEqualTo(i);
                assertThat(rows.get(i).isFinal)
                        .as(w + " final flag of row " + i)
                        .isEqualTo(i == rows.size() - 1);
            }
            List<WindowResult> updates = lateness == 0 ? rows : rows.subList(0, rows.size() - 1);
            assertThat(updates).as(w + ": rows before the final one").hasSize(firings.size());
            for (int i = 0; i < firings.size(); i++) {
                SlicedVsNaiveWindowsTest.assertSameValues(
                        w + " firing " + i, updates.get(i), firings.get(i));
            }
            SlicedVsNaiveWindowsTest.assertSameValues(
                    w + " final", rows.get(rows.size() - 1), firings.get(firings.size() - 1));
        }
    }

    private static Map<String, List<WindowResult>> byWindow(List<WindowResult> rows) {
        List<WindowResult> sorted = new ArrayList<>(rows);
        sorted.sort(
                Comparator.<WindowResult, String>comparing(r -> r.userId)
                        .thenComparingLong(r -> r.windowStart)
                        .thenComparingLong(r -> r.windowEnd)); // stable: keeps the write order
        Map<String, List<WindowResult>> out = new LinkedHashMap<>();
        for (WindowResult r : sorted) out.computeIfAbsent(window(r), k -> new ArrayList<>()).add(r);
        return out;
    }

    /**
     * A seeded sequence: disorder within the watermark delay, events behind the watermark by less
     * than the lateness (corrections), by more (late topic), far ahead, on slice boundaries, gaps,
     * and watermark jumps that pass many windows' end + lateness at once.
     */
    private static List<Step> scenario(long seed, WindowSpec spec, long lateness) {
        SplittableRandom r = new SplittableRandom(seed * 7919);
        List<Step> steps = new ArrayList<>();
        int users = 1 + r.nextInt(5);
        long delay = r.nextLong(spec.sizeMs + 1);
        long clock = T0 + r.nextLong(spec.sizeMs);
        long maxSeen = Long.MIN_VALUE;
        long watermark = Long.MIN_VALUE;
        int events = 300 + r.nextInt(300);
        String[] types = {"page_view", "click", "add_to_cart", "purchase"};
        for (int i = 0; i < events; i++) {
            if (r.nextInt(100) < 3) {
                clock += spec.sizeMs * (1 + r.nextInt(3));
            } else {
                clock += r.nextLong(spec.paneMs / 3 + 1);
            }
            long t;
            int kind = r.nextInt(100);
            if (kind < 55 || watermark == Long.MIN_VALUE) {
                t = clock - r.nextLong(delay + 1);
            } else if (kind < 75) {
                t = watermark - r.nextLong(lateness + spec.sizeMs + 1); // within or just beyond
            } else if (kind < 82) {
                t = watermark - lateness - spec.sizeMs - r.nextLong(5 * spec.sizeMs); // beyond
            } else if (kind < 88) {
                t = clock + r.nextLong(3 * spec.sizeMs);
            } else if (kind < 94) {
                t = spec.paneStart(clock);
            } else {
                t = spec.lastWindowStart(clock) - 1;
            }
            String user = "user-" + r.nextInt(users);
            String session = "s-" + r.nextInt(user.equals("user-0") ? 300 : 4);
            Double amount =
                    r.nextInt(3) == 0 ? null : Math.round(r.nextDouble(0.01, 500) * 100) / 100.0;
            steps.add(
                    new Step(
                            new UserEvent(
                                    "e-" + seed + "-" + i,
                                    user,
                                    session,
                                    types[r.nextInt(types.length)],
                                    t,
                                    amount),
                            0));
            maxSeen = Math.max(maxSeen, t);
            if (r.nextInt(8) == 0) {
                long next =
                        r.nextInt(15) == 0
                                ? maxSeen + r.nextLong(2 * spec.sizeMs + lateness)
                                : maxSeen - delay - 1;
                if (next > watermark) {
                    watermark = next;
                    steps.add(new Step(null, watermark));
                }
            }
        }
        steps.add(new Step(null, Long.MAX_VALUE));
        return steps;
    }
}
