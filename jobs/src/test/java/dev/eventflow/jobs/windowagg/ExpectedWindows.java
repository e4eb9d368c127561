package dev.eventflow.jobs.windowagg;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.testing.GuaranteeLedger;
import dev.eventflow.jobs.windowstats.WindowResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Ground truth for window tests, computed the obvious way and independently of the job's code: for
 * every event, every epoch-aligned window [start, start+size) that contains it; per (user, window)
 * exact counts, sums, min/max and the exact set of sessions.
 */
public final class ExpectedWindows {

    /**
     * One expected row; {@code sessions} is exact (the job's value is an HLL estimate of its size).
     */
    public static final class Row {
        public final String userId;
        public final long start;
        public final long end;
        public long events;
        public long purchases;
        public long amountCount;
        public double sum;
        public double min = Double.POSITIVE_INFINITY;
        public double max = Double.NEGATIVE_INFINITY;
        public final Set<String> sessions = new HashSet<>();

        public Row(String userId, long start, long end) {
            this.userId = userId;
            this.start = start;
            this.end = end;
        }

        public String key() {
            return ExpectedWindows.key(userId, start, end);
        }
    }

    private ExpectedWindows() {}

    public static String key(String user, long start, long end) {
        return user + "|" + start + "|" + end;
    }

    /**
     * Expected rows for all windows that end at or before {@code lastClosedEnd} (Long.MAX_VALUE:
     * all).
     */
    public static Map<String, Row> compute(
            Collection<UserEvent> events, long sizeMs, long slideMs, long lastClosedEnd) {
        return compute(events, sizeMs, slideMs, lastClosedEnd, e -> Long.MIN_VALUE);
    }

    /**
     * As above, for events that met a known watermark on arrival: such an event is not counted in
     * windows whose last millisecond ({@code end - 1}) the watermark had already reached.
     */
    public static Map<String, Row> compute(
            Collection<UserEvent> events,
            long sizeMs,
            long slideMs,
            long lastClosedEnd,
            java.util.function.ToLongFunction<UserEvent> watermarkAtArrival) {
        Map<String, Row> rows = new TreeMap<>();
        for (UserEvent e : events) {
            long metWatermark = watermarkAtArrival.applyAsLong(e);
            for (long start = Math.floorDiv(e.eventTime, slideMs) * slideMs;
                    start > e.eventTime - sizeMs;
                    start -= slideMs) {
                final long windowStart = start;
                final long end = start + sizeMs;
                if (end > lastClosedEnd || end - 1 <= metWatermark) continue;
                Row row =
                        rows.computeIfAbsent(
                                key(e.userId, start, end),
                                k -> new Row(e.userId, windowStart, end));
                row.events++;
                if ("purchase".equals(e.eventType)) row.purchases++;
                if (e.amount != null) {
                    row.amountCount++;
                    row.sum += e.amount;
                    row.min = Math.min(row.min, e.amount);
                    row.max = Math.max(row.max, e.amount);
                }
                row.sessions.add(e.sessionId);
            }
        }
        return rows;
    }

    /**
     * Asserts one result against its expected row: exact fields exactly, sums to 1e-6, HLL to 3
     * sigma.
     */
    public static List<String> mismatches(Row want, WindowResult got, int lgK) {
        List<String> problems = new ArrayList<>();
        check(problems, "events", want.events, got.events);
        check(problems, "purchases", want.purchases, got.purchases);
        if (want.amountCount == 0) {
            if (got.sumAmount != null
                    || got.avgAmount != null
                    || got.minAmount != null
                    || got.maxAmount != null) {
                problems.add("amounts should be null");
            }
        } else {
            close(problems, "sum_amount", want.sum, got.sumAmount);
            close(problems, "avg_amount", want.sum / want.amountCount, got.avgAmount);
            close(problems, "min_amount", want.min, got.minAmount);
            close(problems, "max_amount", want.max, got.maxAmount);
        }
        double exact = want.sessions.size();
        double tolerance = Math.max(1, 3 * 1.04 / Math.sqrt(1 << lgK) * exact);
        if (Math.abs(got.approxSessions - exact) > tolerance) {
            problems.add("approx_sessions " + got.approxSessions + " vs exact " + (long) exact);
        }
        return problems;
    }

    private static void check(List<String> problems, String field, long want, long got) {
        if (want != got) problems.add(field + " " + got + " != " + want);
    }

    private static void close(List<String> problems, String field, double want, Double got) {
        if (got == null || Math.abs(want - got) > 1e-6 * Math.max(1, Math.abs(want))) {
            problems.add(field + " " + got + " != " + want);
        }
    }

    /** Checks a full result set: same windows, each matching, no duplicates. */
    /**
     * {@link #assertMatches}, after writing to the {@link GuaranteeLedger} how many windows were
     * compared and how many were missing or written more than once: for the tests behind the
     * README's guarantees table.
     */
    public static void assertExactlyOnce(
            Class<?> test,
            String job,
            String fault,
            int faults,
            Map<String, Row> expected,
            Collection<WindowResult> results,
            int lgK) {
        GuaranteeLedger.record(
                test,
                job,
                fault,
                faults,
                GuaranteeLedger.compare(
                        expected.keySet(),
                        results.stream()
                                .map(r -> key(r.userId, r.windowStart, r.windowEnd))
                                .toList()));
        assertMatches(expected, results, lgK);
    }

    public static void assertMatches(
            Map<String, Row> expected, Collection<WindowResult> results, int lgK) {
        Map<String, WindowResult> byKey = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (WindowResult r : results) {
            String k = key(r.userId, r.windowStart, r.windowEnd);
            if (byKey.put(k, r) != null) problems.add("duplicate window " + k);
        }
        for (Row want : expected.values()) {
            WindowResult got = byKey.get(want.key());
            if (got == null) {
                problems.add("missing window " + want.key());
            } else {
                for (String p : mismatches(want, got, lgK)) problems.add(want.key() + ": " + p);
            }
        }
        for (String k : byKey.keySet()) {
            if (!expected.containsKey(k)) problems.add("unexpected window " + k);
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(
                    problems.size()
                            + " problem(s) in "
                            + results.size()
                            + " results vs "
                            + expected.size()
                            + " expected, first ones:\n  "
                            + String.join(
                                    "\n  ", problems.subList(0, Math.min(20, problems.size()))));
        }
        Objects.requireNonNull(expected);
    }
}
