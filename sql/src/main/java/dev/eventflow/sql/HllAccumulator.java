package dev.eventflow.sql;

import dev.eventflow.common.sketch.HllSketches;
import org.apache.datasketches.hll.HllSketch;

/**
 * The mutable accumulator of {@link HllCountDistinct}: one sketch, replaced by a union on merge.
 */
public final class HllAccumulator {

    HllSketch sketch;

    public HllAccumulator() {
        this(HllSketches.create(HllSketches.DEFAULT_LG_K));
    }

    HllAccumulator(HllSketch sketch) {
        this.sketch = sketch;
    }
}
