package dev.eventflow.jobs.windowstats;

import java.util.Objects;

/**
 * One closed window of one user: the output row of {@code window-aggregation} (its JSON format is
 * in docs/jobs/window-aggregation.md). Amount fields are null when no event in the window carried
 * an amount. A Flink POJO.
 */
public class WindowResult {

    public String userId;

    /** Inclusive window start, epoch ms. */
    public long windowStart;

    /** Exclusive window end, epoch ms. */
    public long windowEnd;

    public long events;

    /** HLL estimate of distinct session_id values. */
    public long approxSessions;

    public Double sumAmount;
    public Double avgAmount;
    public Double minAmount;
    public Double maxAmount;

    /** Events with {@code event_type = "purchase"}. */
    public long purchases;

    /**
     * Update mode only ({@code --output-mode update}): 0 for a window's first row, one more for
     * each correction. Always 0 in append mode, where it is not written.
     */
    public int revision;

    /**
     * Update mode only: true on a window's last row, written once the watermark has passed {@code
     * window_end + allowed lateness} (no event can change it any more). Not written in append mode.
     */
    public boolean isFinal;

    public WindowResult() {}

    /**
     * The row from a window's totals; amount fields stay null when no event had an amount ({@code
     * amountCount == 0}), as in SQL.
     */
    static WindowResult of(
            String userId,
            long windowStart,
            long windowEnd,
            long events,
            long approxSessions,
            long purchases,
            long amountCount,
            double sumAmount,
            double minAmount,
            double maxAmount) {
        WindowResult r = new WindowResult();
        r.userId = userId;
        r.windowStart = windowStart;
        r.windowEnd = windowEnd;
        r.events = events;
        r.approxSessions = approxSessions;
        r.purchases = purchases;
        if (amountCount > 0) {
            r.sumAmount = sumAmount;
            r.avgAmount = sumAmount / amountCount;
            r.minAmount = minAmount;
            r.maxAmount = maxAmount;
        }
        return r;
    }

    /** This row as revision {@code revision} of its window, final or not (update mode). */
    public WindowResult withRevision(int revision, boolean isFinal) {
        this.revision = revision;
        this.isFinal = isFinal;
        return this;
    }

    /**
     * Equal window and values; {@link #revision} and {@link #isFinal} (which row of the window this
     * is) are not compared.
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof WindowResult)) return false;
        WindowResult r = (WindowResult) o;
        return windowStart == r.windowStart
                && windowEnd == r.windowEnd
                && events == r.events
                && approxSessions == r.approxSessions
                && purchases == r.purchases
                && Objects.equals(userId, r.userId)
                && Objects.equals(sumAmount, r.sumAmount)
                && Objects.equals(avgAmount, r.avgAmount)
                && Objects.equals(minAmount, r.minAmount)
                && Objects.equals(maxAmount, r.maxAmount);
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, windowStart, windowEnd, events);
    }

    @Override
    public String toString() {
        return "WindowResult{"
                + userId
                + " ["
                + java.time.Instant.ofEpochMilli(windowStart)
                + ", "
                + java.time.Instant.ofEpochMilli(windowEnd)
                + ") events="
                + events
                + " sessions~"
                + approxSessions
                + " sum="
                + sumAmount
                + " avg="
                + avgAmount
                + " min="
                + minAmount
                + " max="
                + maxAmount
                + " purchases="
                + purchases
                + (revision == 0 && !isFinal ? "" : " rev=" + revision + (isFinal ? " final" : ""))
                + "}";
    }
}
