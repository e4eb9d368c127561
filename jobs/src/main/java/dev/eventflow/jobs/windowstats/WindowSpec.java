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

    public WindowSpec(long sizeMs, long slideMs, int lgK) {
        if (sizeMs <= 0 || slideMs <= 0 || slideMs > sizeMs) {
            throw new IllegalArgumentException(
                    "need 0 < slide <= size, got size=" + sizeMs + " slide=" + slideMs);
        }
        this.sizeMs = sizeMs;
        this.slideMs = slideMs;
        this.lgK = lgK;
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
}
