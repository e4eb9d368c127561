package dev.eventflow.jobs.lateaudit;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by audit window start: folds the window's {@link AuditEntry}s into one fixed-size {@link
 * AuditAccumulator} and writes the {@link AuditRow} once, when the audit watermark reaches the
 * window's last millisecond; then the window's state and timer are gone.
 *
 * <p>A window cannot receive entries after it is written: the classifier never assigns an entry to
 * a window at or behind the audit watermark it holds, and this operator's watermark is never ahead
 * of the classifier's. (A plain Flink window would have had to drop the lost events; the explicit
 * window key is what lets them be counted.)
 */
public final class AuditAggregator extends KeyedProcessFunction<Long, AuditEntry, AuditRow> {
    private static final long serialVersionUID = 1L;

    private final AuditSpec spec;
    private transient ValueState<AuditAccumulator> window;

    public AuditAggregator(AuditSpec spec) {
        this.spec = spec;
    }

    @Override
    public void open(OpenContext openContext) {
        window =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        "audit-window", AuditAccumulatorSerializer.TYPE_INFO));
    }

    @Override
    public void processElement(AuditEntry entry, Context ctx, Collector<AuditRow> out)
            throws Exception {
        AuditAccumulator acc = window.value();
        if (acc == null) {
            acc = AuditAccumulator.empty(spec.lgK);
            ctx.timerService().registerEventTimeTimer(spec.windowCloseAt(ctx.getCurrentKey()));
        }
        acc.add(entry);
        window.update(acc);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AuditRow> out)
            throws Exception {
        AuditAccumulator acc = window.value();
        if (acc != null) {
            long start = ctx.getCurrentKey();
            out.collect(acc.toRow(start, start + spec.windowMs));
        }
        window.clear();
    }
}
