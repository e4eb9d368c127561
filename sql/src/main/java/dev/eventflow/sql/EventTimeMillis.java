package dev.eventflow.sql;

import dev.eventflow.common.event.MalformedEventException;
import dev.eventflow.common.time.EventTimes;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code EVENT_TIME_MILLIS(event_time)}: the input's event time (ISO-8601 with a zone, or epoch
 * milliseconds as a number or string) as epoch milliseconds, with exactly the rules of the
 * DataStream parser; {@code -1} when it is missing, unparseable, negative, or too far in the
 * future. A computed column cannot be NULL if it feeds the watermark, hence -1 rather than NULL;
 * the recipes filter such rows out (the DataStream jobs send them to the DLQ instead).
 */
public final class EventTimeMillis extends ScalarFunction {
    private static final long serialVersionUID = 1L;

    private final long maxFutureSkewMs;

    public EventTimeMillis() {
        this(86_400_000L);
    }

    /**
     * Times more than {@code maxFutureSkewMs} ahead of the wall clock count as invalid, as in the
     * DataStream parser.
     */
    public EventTimeMillis(long maxFutureSkewMs) {
        this.maxFutureSkewMs = maxFutureSkewMs;
    }

    public @DataTypeHint("BIGINT NOT NULL") Long eval(String eventTime) {
        if (eventTime == null) return -1L;
        try {
            long t = EventTimes.parse(eventTime);
            if (t < 0 || t > System.currentTimeMillis() + maxFutureSkewMs) return -1L;
            return t;
        } catch (MalformedEventException e) {
            return -1L;
        }
    }

    /** It reads the wall clock (the future-skew check). */
    @Override
    public boolean isDeterministic() {
        return false;
    }
}
