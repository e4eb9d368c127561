package dev.eventflow.common.event;

import dev.eventflow.common.metrics.SuiteMetrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits a parsing source's {@link Parsed} records: parsed records continue downstream, dead
 * letters leave through the {@link #DEAD_LETTERS} side output (so that every input of a job can
 * share one DLQ sink). Counts every record in {@link SuiteMetrics#RECORDS_IN} and every dead letter
 * in {@link SuiteMetrics#DEAD_LETTERS} (and by reason). Stateless and chained to the source, so it
 * costs one virtual call per record.
 *
 * @param <P> the envelope ({@code Parsed<T>}, or a named subclass such as {@link ParsedRecord})
 * @param <T> the parsed record
 */
public class DeadLetterSplitter<P extends Parsed<T>, T> extends ProcessFunction<P, T> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private transient Counter recordsIn;
    private transient SuiteMetrics metrics;

    /** The splitter of {@code Parsed<T>}; give its output type to {@code process(...)}. */
    public static <T> DeadLetterSplitter<Parsed<T>, T> create() {
        return new DeadLetterSplitter<>();
    }

    @Override
    public void open(OpenContext openContext) {
        metrics = SuiteMetrics.of(getRuntimeContext());
        recordsIn = metrics.recordsIn();
        metrics.deadLetters();
    }

    @Override
    public void processElement(P record, Context ctx, Collector<T> out) {
        recordsIn.inc();
        if (record.deadLetter == null) {
            out.collect(record.event);
        } else {
            metrics.deadLetter(record.deadLetter.reason);
            ctx.output(DEAD_LETTERS, record.deadLetter);
        }
    }

    /** For tests: the dead letters this instance has counted. */
    long deadLetterCount() {
        return metrics.deadLetters().getCount();
    }
}
