package dev.eventflow.jobs.lateaudit;

import java.io.Serializable;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * The two tiers and the audit window, and the classification rule, in one place so that the job and
 * its tests agree on every boundary.
 *
 * <p>The job's only Flink watermark is the audit tier's: the Kafka source generates it per
 * partition as {@code max event time - audit delay - 1 ms} and the minimum over partitions reaches
 * the classifier. The main tier's watermark is the same per-partition maximum with the shorter
 * delay, so it is exactly {@code auditWatermark + (auditDelay - mainDelay)}: what a job with {@code
 * --watermark-delay <main delay>} on the same input would hold at the same moment, without a second
 * read of the topic. An event at time {@code t} meeting watermark {@code W} is behind it when
 * {@code t <= W} (Flink's meaning of a watermark: no more events at or before it). So:
 *
 * <ul>
 *   <li>{@code t > mainWatermark}: on time;
 *   <li>{@code auditWatermark < t <= mainWatermark}: late (recoverable by the audit tier);
 *   <li>{@code t <= auditWatermark}: lost.
 * </ul>
 */
public final class AuditSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    public final long mainDelayMs;
    public final long auditDelayMs;
    public final long windowMs;
    public final int lgK;

    public AuditSpec(long mainDelayMs, long auditDelayMs, long windowMs, int lgK) {
        if (mainDelayMs < 0 || auditDelayMs < mainDelayMs || windowMs <= 0) {
            throw new IllegalArgumentException(
                    "need 0 <= main <= audit and window > 0, got main="
                            + mainDelayMs
                            + " audit="
                            + auditDelayMs
                            + " window="
                            + windowMs);
        }
        this.mainDelayMs = mainDelayMs;
        this.auditDelayMs = auditDelayMs;
        this.windowMs = windowMs;
        this.lgK = lgK;
    }

    /** The main tier's watermark for a given audit watermark ({@code Long.MIN_VALUE}: none yet). */
    public long mainWatermark(long auditWatermark) {
        if (auditWatermark == Long.MIN_VALUE) return Long.MIN_VALUE;
        long gap = auditDelayMs - mainDelayMs;
        return auditWatermark > Long.MAX_VALUE - gap ? Long.MAX_VALUE : auditWatermark + gap;
    }

    public Tier classify(long eventTime, long auditWatermark) {
        if (eventTime > mainWatermark(auditWatermark)) return Tier.ON_TIME;
        if (eventTime > auditWatermark) return Tier.LATE;
        return Tier.LOST;
    }

    /**
     * How far behind the main watermark an event is ({@code mainWatermark - t}, as {@code
     * window-aggregation}'s late topic); 0 for on-time events.
     */
    public long latenessMs(long eventTime, long auditWatermark) {
        long main = mainWatermark(auditWatermark);
        return eventTime > main ? 0 : main - eventTime;
    }

    /**
     * The audit window an event is counted in: its own (by event time) while that window is still
     * open, i.e. always for on-time and late events; a lost event whose window the audit watermark
     * has already closed is counted in the oldest window still open, the one containing {@code
     * auditWatermark + 1}. Every event is therefore counted in exactly one audit row, and no row
     * changes after it is written.
     */
    public long windowStart(long eventTime, long auditWatermark) {
        long t =
                auditWatermark == Long.MIN_VALUE
                        ? eventTime
                        : Math.max(eventTime, auditWatermark + 1);
        return TimeWindow.getWindowStartWithOffset(t, 0, windowMs);
    }

    /**
     * An audit window {@code [start, start + window)} is written when the watermark reaches this.
     */
    public long windowCloseAt(long windowStart) {
        return windowStart + windowMs - 1;
    }
}
