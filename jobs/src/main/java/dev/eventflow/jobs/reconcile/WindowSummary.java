package dev.eventflow.jobs.reconcile;

/**
 * One window's totals over all users: how many rows each path has and how they compare. Built from
 * {@link DiffRow}s and merged per window. A Flink POJO.
 */
public class WindowSummary {

    public long windowStart;
    public long windowEnd;
    public long expectedRows;
    public long fastRows;
    public long matching;
    public long missing;
    public long extra;
    public long duplicate;
    public long different;
    public long hllError;
    public long hllOutliers;
    public long expectedEvents;
    public long fastEvents;
    public double maxHllRelativeError;

    public WindowSummary() {}

    public static WindowSummary of(DiffRow d) {
        WindowSummary s = new WindowSummary();
        s.windowStart = d.windowStart;
        s.windowEnd = d.windowEnd;
        s.expectedRows = d.expected == null ? 0 : 1;
        s.fastRows = d.fastRows;
        switch (d.kind) {
            case MATCH:
                s.matching = 1;
                break;
            case MISSING:
                s.missing = 1;
                break;
            case EXTRA:
                s.extra = 1;
                break;
            case DUPLICATE:
                s.duplicate = 1;
                break;
            case DIFFERENT:
                s.different = 1;
                break;
            default:
                s.hllError = 1;
        }
        s.hllOutliers = d.hllOutlier ? 1 : 0;
        s.expectedEvents = d.expected == null ? 0 : d.expected.row.events;
        s.fastEvents = d.actual == null ? 0 : d.actual.events; // the first of duplicates
        // The sketch's error is measured only where both paths counted the same events.
        boolean sameEvents = d.kind == DiffRow.Kind.MATCH || d.kind == DiffRow.Kind.HLL_ERROR;
        s.maxHllRelativeError = sameEvents ? d.hllRelativeError : 0;
        return s;
    }

    public static WindowSummary merge(WindowSummary a, WindowSummary b) {
        WindowSummary s = new WindowSummary();
        s.windowStart = a.windowStart;
        s.windowEnd = a.windowEnd;
        s.expectedRows = a.expectedRows + b.expectedRows;
        s.fastRows = a.fastRows + b.fastRows;
        s.matching = a.matching + b.matching;
        s.missing = a.missing + b.missing;
        s.extra = a.extra + b.extra;
        s.duplicate = a.duplicate + b.duplicate;
        s.different = a.different + b.different;
        s.hllError = a.hllError + b.hllError;
        s.hllOutliers = a.hllOutliers + b.hllOutliers;
        s.expectedEvents = a.expectedEvents + b.expectedEvents;
        s.fastEvents = a.fastEvents + b.fastEvents;
        s.maxHllRelativeError = Math.max(a.maxHllRelativeError, b.maxHllRelativeError);
        return s;
    }

    /** Rows that disagree on something exact: what makes a window "bad". */
    public long problems() {
        return missing + extra + duplicate + different;
    }

    public String key() {
        return windowStart + "|" + windowEnd;
    }
}
