package dev.eventflow.jobs.reconcile;

import dev.eventflow.jobs.windowstats.WindowResult;

/**
 * One (user, window) as the accurate path computes it: the row {@code window-aggregation} would
 * write had nothing been late (its {@code approxSessions} from the same sketch), plus the exact
 * distinct session count. A Flink POJO.
 */
public class AccurateWindow {

    public WindowResult row;
    public long exactSessions;

    public AccurateWindow() {}

    public AccurateWindow(WindowResult row, long exactSessions) {
        this.row = row;
        this.exactSessions = exactSessions;
    }

    public String key() {
        return ReconcileDiff.key(row.userId, row.windowStart, row.windowEnd);
    }

    @Override
    public String toString() {
        return "AccurateWindow{" + row + " exact=" + exactSessions + "}";
    }
}
