package dev.eventflow.sql;

import dev.eventflow.common.sketch.HllSketches;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.functions.AggregateFunction;

/**
 * {@code HLL_COUNT_DISTINCT(value)}: approximate distinct count with an Apache DataSketches HLL
 * sketch, the SQL twin of the DataStream jobs' {@code approx_sessions}: same sketch type, same lgK,
 * same estimator (common's {@link HllSketches}), so the two paths report identical numbers for the
 * same input. Spark's {@code approx_count_distinct}; Flink's built-in {@code APPROX_COUNT_DISTINCT}
 * is not available in streaming mode in every version, and is not a sketch the DataStream side can
 * share.
 */
@FunctionHint(
        accumulator =
                @DataTypeHint(
                        value = "RAW",
                        bridgedTo = HllAccumulator.class,
                        rawSerializer = HllAccumulatorSerializer.class),
        output = @DataTypeHint("BIGINT NOT NULL"))
public final class HllCountDistinct extends AggregateFunction<Long, HllAccumulator> {
    private static final long serialVersionUID = 1L;

    private final int lgK;

    public HllCountDistinct() {
        this(HllSketches.DEFAULT_LG_K);
    }

    public HllCountDistinct(int lgK) {
        HllSketches.checkLgK(lgK);
        this.lgK = lgK;
    }

    @Override
    public HllAccumulator createAccumulator() {
        return new HllAccumulator(HllSketches.create(lgK));
    }

    public void accumulate(HllAccumulator acc, String value) {
        if (value != null) acc.sketch.update(value);
    }

    public void merge(HllAccumulator acc, Iterable<HllAccumulator> others) {
        for (HllAccumulator other : others) {
            acc.sketch = HllSketches.merge(acc.sketch, other.sketch);
        }
    }

    public void resetAccumulator(HllAccumulator acc) {
        acc.sketch = HllSketches.create(lgK);
    }

    @Override
    public Long getValue(HllAccumulator acc) {
        return HllSketches.estimate(acc.sketch);
    }
}
