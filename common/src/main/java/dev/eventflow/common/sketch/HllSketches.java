package dev.eventflow.common.sketch;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * The one place the suite makes HyperLogLog sketches (Apache DataSketches), so that the DataStream
 * jobs, the SQL UDAF and the tests build identical sketches and therefore identical estimates.
 *
 * <p>Spark's {@code approx_count_distinct} is HLL++ with a relative standard deviation of 5% by
 * default; here lgK (log2 of the number of buckets) sets the accuracy: the relative standard error
 * is about {@code 1.04 / sqrt(2^lgK)}, 1.6% at the default lgK 12, and the sketch stays under ~2.6
 * KB however many distinct values it sees (HLL_4). Small cardinalities are held exactly (list/set
 * mode) and serialize to a few bytes, which keeps per-window state small.
 */
public final class HllSketches {

    /** Default log2 of the number of HLL buckets. */
    public static final int DEFAULT_LG_K = 12;

    public static final int MIN_LG_K = 4;
    public static final int MAX_LG_K = 21;

    /** The compact 4-bit form: the smallest state per sketch. */
    public static final TgtHllType TYPE = TgtHllType.HLL_4;

    private HllSketches() {}

    public static HllSketch create(int lgK) {
        checkLgK(lgK);
        return new HllSketch(lgK, TYPE);
    }

    public static void checkLgK(int lgK) {
        if (lgK < MIN_LG_K || lgK > MAX_LG_K) {
            throw new IllegalArgumentException(
                    "HLL lgK must be between " + MIN_LG_K + " and " + MAX_LG_K + ", got " + lgK);
        }
    }

    /**
     * The rounded cardinality estimate, as reported in results. The composite estimator reads only
     * the sketch's registers, so the estimate does not depend on how the sketch was built: updated
     * event by event (the DataStream window) or merged from pane sketches (Flink SQL's sliced HOP
     * windows) gives the same number for the same sessions. (The default HIP estimator is a little
     * more accurate but only valid for sketches never merged, so the two paths would disagree.)
     */
    public static long estimate(HllSketch sketch) {
        return Math.round(sketch.getCompositeEstimate());
    }

    /**
     * The estimate of a union's current result, read from the union's own registers without
     * materializing the result sketch: the same number {@link #estimate(HllSketch)} gives for
     * {@code union.getResult(TYPE)}, because both read the same registers with the composite
     * estimator.
     */
    public static long estimate(Union union) {
        return Math.round(union.getCompositeEstimate());
    }

    /** Relative standard error of a sketch with {@code lgK} (one standard deviation). */
    public static double relativeStandardError(int lgK) {
        return 1.04 / Math.sqrt(1L << lgK);
    }

    /** A new sketch holding the union of both inputs (neither is modified). */
    public static HllSketch merge(HllSketch a, HllSketch b) {
        Union union = new Union(Math.max(a.getLgConfigK(), b.getLgConfigK()));
        union.update(a);
        union.update(b);
        return union.getResult(TYPE);
    }

    /** The compact serialized image (what state holds). */
    public static byte[] toBytes(HllSketch sketch) {
        return sketch.toCompactByteArray();
    }

    /** An updatable sketch from a compact image. */
    public static HllSketch fromBytes(byte[] bytes) {
        return HllSketch.heapify(bytes);
    }
}
