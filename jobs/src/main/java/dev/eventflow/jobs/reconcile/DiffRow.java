package dev.eventflow.jobs.reconcile;

import static java.time.Instant.ofEpochMilli;

import dev.eventflow.jobs.windowstats.WindowResult;

/**
 * The comparison of one (user, window) between the accurate path ({@link #expected}) and the fast
 * path ({@link #actual}). A Flink POJO.
 */
public class DiffRow {

    /** What the comparison found. */
    public enum Kind {
        /** Both agree on every exact field and the HLL estimate equals the exact count. */
        MATCH,
        /** The accurate path has the row, the fast path does not (every event of it was late). */
        MISSING,
        /** The fast path has a row the accurate path does not. */
        EXTRA,
        /** The fast path wrote the row more than once. */
        DUPLICATE,
        /**
         * An exact field differs: events, purchases or an amount (late events the fast path
         * dropped).
         */
        DIFFERENT,
        /** Exact fields agree; approx_sessions is not the exact distinct count. */
        HLL_ERROR;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Kind kind;
    public String userId;
    public long windowStart;
    public long windowEnd;

    /** Null for {@link Kind#EXTRA}. */
    public AccurateWindow expected;

    /** Null for {@link Kind#MISSING}; the first one read for {@link Kind#DUPLICATE}. */
    public WindowResult actual;

    /** How many rows the fast path wrote for this (user, window). */
    public int fastRows;

    /** Comma-separated names of the exact fields that differ ({@link Kind#DIFFERENT}), else "". */
    public String fields = "";

    /** approx_sessions - exact sessions, when both sides exist. */
    public long hllError;

    /** |hllError| / exact sessions, when both sides exist. */
    public double hllRelativeError;

    /**
     * The exact fields agree and the HLL error is beyond 3 standard errors of the fast path's lgK.
     */
    public boolean hllOutlier;

    public DiffRow() {}

    @Override
    public String toString() {
        return String.format(
                "DiffRow{%s %s [%s, %s) fields=%s hll=%d}",
                kind, userId, ofEpochMilli(windowStart), ofEpochMilli(windowEnd), fields, hllError);
    }
}
