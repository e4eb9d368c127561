package dev.eventflow.jobs.joins;

import dev.eventflow.common.metrics.SuiteMetrics;
import dev.eventflow.common.time.WatermarkFloor;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Routes the rows of one join input that arrive at or behind their stream's watermark to the {@link
 * #LATE} side output, with the watermark and the lateness, instead of letting the join drop them
 * without a trace (Flink's interval join silently drops late rows, Spark's join too).
 *
 * <p>Late means {@code event_time <= watermark}: a Flink watermark {@code W} promises that no more
 * rows at or before {@code W} come (the bounded-out-of-orderness generator emits {@code max - delay
 * - 1 ms} for that reason), and the join's state cleanup relies on that promise. It runs chained to
 * the source, before the shuffle, so it sees its own stream's watermark. No keyed state, no timers.
 *
 * <p><b>Restarts.</b> The watermark it judges by is a {@link WatermarkFloor} (fed with every
 * watermark by {@link #operator}), so a row replayed after a restore gets the verdict the job gave
 * before it. Watermarks are forwarded unchanged: the join operator's watermark is the minimum over
 * both inputs' and never above either router's floor, so a row passed on here is never late there.
 *
 * @param <T> impression or click
 */
public final class LateRowRouter<T> extends ProcessFunction<T, T> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<LateRow> LATE = new OutputTag<>("late-rows") {};

    static final String FLOOR_STATE = "late-row-watermark-floor";

    /** Builds the late row of a value, given the watermark it met. */
    public interface LateRowFactory<T> extends java.io.Serializable {
        LateRow create(T value, long watermark);
    }

    private final SerializableFunction<T, Long> eventTime;
    private final LateRowFactory<T> late;
    private transient Counter lateRows;
    private transient WatermarkFloor floor;

    private LateRowRouter(SerializableFunction<T, Long> eventTime, LateRowFactory<T> late) {
        this.eventTime = eventTime;
        this.late = late;
    }

    public static LateRowRouter<AdImpression> impressions() {
        return new LateRowRouter<>(i -> i.eventTime(), LateRow::of);
    }

    public static LateRowRouter<AdClick> clicks() {
        return new LateRowRouter<>(c -> c.eventTime(), LateRow::of);
    }

    /** The operator that runs {@code router} and tells it every watermark as it arrives. */
    public static <T> ProcessOperator<T, T> operator(LateRowRouter<T> router) {
        return new Operator<>(router);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        floor = WatermarkFloor.restore(context, FLOOR_STATE);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        floor.snapshot();
    }

    @Override
    public void open(OpenContext openContext) {
        SuiteMetrics metrics = SuiteMetrics.of(getRuntimeContext());
        lateRows = metrics.lateEvents();
        metrics.watermarkLag(floor::get);
    }

    @Override
    public void processElement(T value, Context ctx, Collector<T> out) throws Exception {
        floor.advance(ctx.timerService().currentWatermark());
        long watermark = floor.get();
        if (eventTime.apply(value) <= watermark) {
            lateRows.inc();
            ctx.output(LATE, late.create(value, watermark));
        } else {
            out.collect(value);
        }
    }

    /** For tests: the watermark the next row is judged by, at least. */
    long floor() {
        return floor.get();
    }

    private static final class Operator<T> extends ProcessOperator<T, T> {
        private static final long serialVersionUID = 1L;

        Operator(LateRowRouter<T> router) {
            super(router);
        }

        @Override
        public void processWatermark(Watermark mark) throws Exception {
            ((LateRowRouter<?>) userFunction).floor.advance(mark.getTimestamp());
            super.processWatermark(mark);
        }
    }
}
