package dev.eventflow.jobs.joins;

import dev.eventflow.common.event.DeadLetter;
import dev.eventflow.common.event.DeadLetterSplitter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Splits {@link ParsedJoinRecord}s as common's {@link DeadLetterSplitter} splits {@code Parsed}
 * records. Kept only for the benchmark harness (see {@link ParsedJoinRecord}).
 *
 * @param <T> the value this source carries (impression, click or profile update)
 * @deprecated use {@link DeadLetterSplitter#create()}
 */
@Deprecated
public final class JoinInputSplitter<T> extends ProcessFunction<ParsedJoinRecord, T> {
    private static final long serialVersionUID = 1L;

    private final SerializableFunction<ParsedJoinRecord, T> value;
    private transient Counter deadLetters;

    private JoinInputSplitter(SerializableFunction<ParsedJoinRecord, T> value) {
        this.value = value;
    }

    public static JoinInputSplitter<AdImpression> impressions() {
        return new JoinInputSplitter<>(r -> r.impression);
    }

    public static JoinInputSplitter<AdClick> clicks() {
        return new JoinInputSplitter<>(r -> r.click);
    }

    public static JoinInputSplitter<ProfileUpdate> profiles() {
        return new JoinInputSplitter<>(r -> r.profile);
    }

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void processElement(ParsedJoinRecord record, Context ctx, Collector<T> out)
            throws Exception {
        DeadLetter dead = record.deadLetter;
        if (dead == null) {
            out.collect(value.apply(record));
        } else {
            deadLetters.inc();
            ctx.output(DeadLetterSplitter.DEAD_LETTERS, dead);
        }
    }
}
