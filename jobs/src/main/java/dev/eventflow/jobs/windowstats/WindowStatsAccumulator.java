package dev.eventflow.jobs.windowstats;

import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.sketch.HllSketches;
import org.apache.datasketches.hll.HllSketch;

/**
 * The running aggregate of one (user, window): what Spark's {@code agg(count,
 * approx_count_distinct, sum, avg, min, max, conditional count)} keeps per group. Fixed size
 * whatever the input: counters plus one HLL sketch (bounded by lgK), never the events themselves.
 * Serialized by {@link WindowStatsAccumulatorSerializer}.
 */
public final class WindowStatsAccumulator {

    long events;
    long purchases;

    /** Events that carried an amount (the denominator of avg_amount). */
    long amountCount;

    double sumAmount;
    double minAmount = Double.POSITIVE_INFINITY;
    double maxAmount = Double.NEGATIVE_INFINITY;
    HllSketch sessions;

    WindowStatsAccumulator(HllSketch sessions) {
        this.sessions = sessions;
    }

    static WindowStatsAccumulator empty(int lgK) {
        return new WindowStatsAccumulator(HllSketches.create(lgK));
    }

    void add(UserEvent e) {
        events++;
        if (e.isPurchase()) purchases++;
        if (e.amount != null) {
            double a = e.amount;
            amountCount++;
            sumAmount += a;
            if (a < minAmount) minAmount = a;
            if (a > maxAmount) maxAmount = a;
        }
        sessions.update(e.sessionId);
    }

    WindowStatsAccumulator merge(WindowStatsAccumulator other) {
        WindowStatsAccumulator m =
                new WindowStatsAccumulator(HllSketches.merge(sessions, other.sessions));
        m.events = events + other.events;
        m.purchases = purchases + other.purchases;
        m.amountCount = amountCount + other.amountCount;
        m.sumAmount = sumAmount + other.sumAmount;
        m.minAmount = Math.min(minAmount, other.minAmount);
        m.maxAmount = Math.max(maxAmount, other.maxAmount);
        return m;
    }

    WindowStatsAccumulator copy() {
        WindowStatsAccumulator c = new WindowStatsAccumulator(sessions.copy());
        c.events = events;
        c.purchases = purchases;
        c.amountCount = amountCount;
        c.sumAmount = sumAmount;
        c.minAmount = minAmount;
        c.maxAmount = maxAmount;
        return c;
    }

    /**
     * The result row for this aggregate; amount fields are null when no event had an amount (as
     * SQL).
     */
    public WindowResult toResult(String userId, long windowStart, long windowEnd) {
        return WindowResult.of(
                userId,
                windowStart,
                windowEnd,
                events,
                HllSketches.estimate(sessions),
                purchases,
                amountCount,
                sumAmount,
                minAmount,
                maxAmount);
    }
}
