package dev.eventflow.jobs.reconcile;

import java.io.Serializable;
import java.time.Instant;

/**
 * The bounded range a reconcile run covers, {@code [from, to)} in epoch milliseconds, and the rule
 * for which windows it compares: only windows lying entirely inside the range ({@code from <=
 * window_start} and {@code window_end <= to}). A window cut by either edge would be compared
 * against events the run did not read, and reported as different for no fault of the fast path.
 */
public final class ReconcileRange implements Serializable {
    private static final long serialVersionUID = 1L;

    public final long fromMs;
    public final long toMs;

    public ReconcileRange(long fromMs, long toMs) {
        if (fromMs >= toMs) {
            throw new IllegalArgumentException("need from < to, got " + fromMs + " >= " + toMs);
        }
        this.fromMs = fromMs;
        this.toMs = toMs;
    }

    public boolean contains(long windowStart, long windowEnd) {
        return fromMs <= windowStart && windowEnd <= toMs;
    }

    @Override
    public String toString() {
        return "[" + Instant.ofEpochMilli(fromMs) + ", " + Instant.ofEpochMilli(toMs) + ")";
    }
}
