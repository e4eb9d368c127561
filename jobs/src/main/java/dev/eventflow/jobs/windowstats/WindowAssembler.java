package dev.eventflow.jobs.windowstats;

import dev.eventflow.common.sketch.HllSketches;
import org.apache.datasketches.hll.Union;

/**
 * Builds one window's row from the slice accumulators it spans: counts and sums add, minimum and
 * maximum combine, and the HLL sketches are unioned (one reusable DataSketches {@link Union} per
 * operator, reset between windows, so firing a window allocates no sketch buffers).
 *
 * <p>The row equals the one an accumulator updated with every event of the window would give: the
 * HLL estimate is read from the sketch's registers (see {@link HllSketches#estimate}), which a
 * union reproduces exactly. Only {@code sum_amount} (and so {@code avg_amount}) may differ in the
 * last bits, since floating-point addition happens per slice first; the order of additions was
 * never fixed anyway, as events of one window arrive from several Kafka partitions in no set order.
 *
 * <p>Not thread-safe; one per operator instance.
 */
public final class WindowAssembler {

    private final Union union;
    private long events;
    private long purchases;
    private long amountCount;
    private double sumAmount;
    private double minAmount;
    private double maxAmount;
    private int parts;

    public WindowAssembler(int lgK) {
        HllSketches.checkLgK(lgK);
        this.union = new Union(lgK);
        reset();
    }

    /** Starts a new window. */
    public void reset() {
        union.reset();
        events = 0;
        purchases = 0;
        amountCount = 0;
        sumAmount = 0;
        minAmount = Double.POSITIVE_INFINITY;
        maxAmount = Double.NEGATIVE_INFINITY;
        parts = 0;
    }

    /** Adds one slice of the window. */
    public void add(WindowStatsAccumulator slice) {
        events += slice.events;
        purchases += slice.purchases;
        amountCount += slice.amountCount;
        sumAmount += slice.sumAmount;
        minAmount = Math.min(minAmount, slice.minAmount);
        maxAmount = Math.max(maxAmount, slice.maxAmount);
        union.update(slice.sessions);
        parts++;
    }

    /** Whether any slice was added since {@link #reset()}: a window without one emits no row. */
    public boolean isEmpty() {
        return parts == 0;
    }

    /** The row for the slices added since {@link #reset()}. */
    public WindowResult toResult(String userId, long windowStart, long windowEnd) {
        return WindowResult.of(
                userId,
                windowStart,
                windowEnd,
                events,
                HllSketches.estimate(union),
                purchases,
                amountCount,
                sumAmount,
                minAmount,
                maxAmount);
    }
}
