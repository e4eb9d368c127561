package dev.eventflow.common.event;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits the source's {@link ParsedRecord}s: valid events continue downstream, dead letters leave
 * through the {@link #DEAD_LETTERS} side output (to the DLQ topic) and are counted in the {@code
 * deadLetters} metric. Stateless and chained to the source, so it costs one virtual call per
 * record.
 */
public final class DeadLetterRouter extends ProcessFunction<ParsedRecord, UserEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private transient Counter deadLetters;

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void processElement(ParsedRecord record, Context ctx, Collector<UserEvent> out) {
        if (record.event != null) {
            out.collect(record.event);
        } else {
            deadLetters.inc();
            ctx.output(DEAD_LETTERS, record.deadLetter);
        }
    }
}
