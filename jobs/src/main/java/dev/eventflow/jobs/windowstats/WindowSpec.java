package dev.eventflow.jobs.windowstats;

import java.io.Serializable;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * The shape of the event-time windows (aligned to the epoch, like Spark's {@code window(col, size,
 * slide)}) and the sketch size. Tumbling when {@code slideMs == sizeMs}.
 */
public final class WindowSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    public final long sizeMs;
    public final long slideMs;
    public final int lgK;

    /**
     * The slice (pane) length: {@code gcd(size, slide)}, the slide itself whenever it divides the
     * size. Every window boundary is a slice boundary, so all timestamps of a slice belong to the
     * same windows, and a window is exactly the union of the slices it spans.
     */
    public final long paneMs;

    public WindowSpec(long sizeMs, long slideMs, int lgK) {
        if (sizeMs <= 0 || slideMs <= 0 || slideMs > sizeMs) {
            throw new IllegalArgumentException(
                    "need 0 < slide <= size, got size=" + sizeMs + " slide=" + slideMs);
        }
        this.sizeMs = sizeMs;
        this.slideMs = slideMs;
        this.lgK = lgK;
        this.paneMs = gcd(sizeMs, slideMs);
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    public boolean isTumbling() {
        return sizeMs == slideMs;
    }

    /** Start of the newest window containing {@code timestamp}. */
    public long lastWindowStart(long timestamp) {
        return TimeWindow.getWindowStartWithOffset(timestamp, 0, slideMs);
    }

    /** Start of the oldest window containing {@code timestamp}. */
    public long firstWindowStart(long timestamp) {
        long last = lastWindowStart(timestamp);
        long steps = (sizeMs - 1) / slideMs; // windows beyond the newest that still contain it
        long first = last - steps * slideMs;
        while (first + sizeMs <= timestamp) first += slideMs;
        return first;
    }

    /** How many windows contain a timestamp: {@code ceil(size / slide)} when slide divides size. */
    public int windowsPerEvent(long timestamp) {
        return (int) ((lastWindowStart(timestamp) - firstWindowStart(timestamp)) / slideMs) + 1;
    }

    /**
     * How many of the windows containing {@code timestamp} the watermark has already closed. A
     * window {@code [s, s+size)} is closed once {@code watermark >= s + size - 1} (its last
     * millisecond), as in Flink's window operator and Spark's "watermark > window_end" rule.
     */
    public int closedWindows(long timestamp, long watermark) {
        int closed = 0;
        for (long s = firstWindowStart(timestamp); s <= lastWindowStart(timestamp); s += slideMs) {
            if (s + sizeMs - 1 <= watermark) closed++;
        }
        return closed;
    }

    /** Start of the slice (pane) that holds {@code timestamp}. */
    public long paneStart(long timestamp) {
        return TimeWindow.getWindowStartWithOffset(timestamp, 0, paneMs);
    }

    /**
     * The last millisecond (Flink's {@code maxTimestamp}, when the window fires) of the oldest
     * window containing {@code timestamp} that {@code watermark} has not closed yet, or {@code
     * Long.MIN_VALUE} when every window containing it is closed (the event is late).
     */
    public long firstOpenWindowMaxTimestamp(long timestamp, long watermark) {
        long last = lastWindowStart(timestamp);
        for (long s = firstWindowStart(timestamp); s <= last; s += slideMs) {
            long maxTimestamp = s + sizeMs - 1;
            if (maxTimestamp > watermark) return maxTimestamp;
        }
        return Long.MIN_VALUE;
    }
}
