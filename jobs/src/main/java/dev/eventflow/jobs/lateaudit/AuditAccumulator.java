package dev.eventflow.jobs.lateaudit;

import dev.eventflow.common.sketch.HllSketches;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.kll.KllLongsSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * The running audit of one window: counts per tier, the maximum lateness, a KLL quantiles sketch of
 * the lateness of late and lost events (exact up to {@link #KLL_K} of them, then within a
 * normalized rank error of ~1.65%), and an HLL sketch of the users they belong to. Fixed size
 * whatever the traffic. Serialized by {@link AuditAccumulatorSerializer}.
 */
public final class AuditAccumulator {

    /** KLL's accuracy parameter (its default): ~1.65% rank error, a few KB at most. */
    public static final int KLL_K = 200;

    long onTime;
    long late;
    long lost;
    long maxLatenessMs;
    KllLongsSketch lateness;
    HllSketch users;

    AuditAccumulator(KllLongsSketch lateness, HllSketch users) {
        this.lateness = lateness;
        this.users = users;
    }

    static AuditAccumulator empty(int lgK) {
        return new AuditAccumulator(KllLongsSketch.newHeapInstance(KLL_K), HllSketches.create(lgK));
    }

    void add(AuditEntry e) {
        switch (e.tier()) {
            case ON_TIME:
                onTime++;
                return;
            case LATE:
                late++;
                break;
            default:
                lost++;
        }
        lateness.update(e.latenessMs());
        if (e.latenessMs() > maxLatenessMs) maxLatenessMs = e.latenessMs();
        users.update(e.userId());
    }

    AuditRow toRow(long windowStart, long windowEnd) {
        long missed = late + lost;
        long all = missed + onTime;
        boolean anyMissed = missed > 0;
        return new AuditRow(
                windowStart,
                windowEnd,
                onTime,
                late,
                lost,
                anyMissed ? maxLatenessMs : null,
                anyMissed ? lateness.getQuantile(0.5, QuantileSearchCriteria.INCLUSIVE) : null,
                anyMissed ? lateness.getQuantile(0.99, QuantileSearchCriteria.INCLUSIVE) : null,
                HllSketches.estimate(users),
                all == 0 ? 0.0 : (double) missed / all);
    }
}
