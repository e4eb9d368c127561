package dev.eventflow.common.time;

import dev.eventflow.common.event.Parsed;
import dev.eventflow.common.event.UserEvent;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.eventtime.WatermarksWithIdleness;

/**
 * The watermark strategies of the suite: bounded out-of-orderness plus idleness.
 *
 * <p>Apply {@link #forParsedRecords} in {@code env.fromSource(...)}: the Kafka source then tracks
 * one watermark per partition and emits their minimum, so a fast partition cannot make a slow one's
 * events late; a partition silent for {@code idleness} is marked idle and stops holding the minimum
 * back (without it, one empty partition stalls every window forever).
 *
 * <p>How this differs from Spark's {@code withWatermark}: Spark computes {@code max event time of
 * the previous micro-batch - delay} once per batch, so its watermark lags a batch and does not move
 * in an empty batch. Flink's watermark is continuous: it is {@code max event time seen - delay - 1
 * ms}, emitted every {@code pipeline.auto-watermark-interval} (200 ms by default) and acted upon as
 * soon as it arrives, so windows close within that interval of the data that closes them.
 */
public final class EventTimeWatermarks {

    private EventTimeWatermarks() {}

    /**
     * For the Kafka source. Dead letters have no event time: they neither advance the watermark nor
     * count as activity, so a partition that carries only garbage still goes idle instead of
     * stalling every window.
     */
    public static <P extends Parsed<UserEvent>> WatermarkStrategy<P> forParsedRecords(
            Duration outOfOrderness, Duration idleness) {
        return forParsed(outOfOrderness, idleness, e -> e.eventTime);
    }

    /**
     * The same for any {@link Parsed} envelope, given the event time of its parsed record (an
     * impression's, a click's): dead letters neither move the watermark nor count as activity.
     */
    public static <T, P extends Parsed<T>> WatermarkStrategy<P> forParsed(
            Duration outOfOrderness, Duration idleness, EventTimeOf<T> eventTimeOf) {
        return forRecords(
                outOfOrderness,
                idleness,
                r -> r.deadLetter == null ? eventTimeOf.eventTime(r.event) : DEAD_LETTER);
    }

    /** Marks a record without an event time (a dead letter) for {@link #forRecords}. */
    public static final long DEAD_LETTER = Long.MIN_VALUE;

    /** A record's event time in epoch millis, or {@link #DEAD_LETTER}. */
    @FunctionalInterface
    public interface EventTimeOf<T> extends Serializable {
        long eventTime(T record);
    }

    /**
     * The same strategy for any record type: bounded out-of-orderness, idleness, and records whose
     * event time is {@link #DEAD_LETTER} neither moving the watermark nor counting as activity.
     */
    public static <T> WatermarkStrategy<T> forRecords(
            Duration outOfOrderness, Duration idleness, EventTimeOf<T> eventTimeOf) {
        WatermarkStrategy<T> strategy =
                context -> {
                    WatermarkGenerator<T> bounded =
                            new BoundedOutOfOrdernessWatermarks<>(outOfOrderness);
                    WatermarkGenerator<T> withIdleness =
                            idleness.isZero()
                                    ? bounded
                                    : new WatermarksWithIdleness<>(
                                            bounded, idleness, context.getInputActivityClock());
                    return new SkipDeadLetters<>(withIdleness);
                };
        return strategy.withTimestampAssigner((r, previous) -> eventTimeOf.eventTime(r));
    }

    /** For in-memory test inputs and re-keyed streams of events. */
    public static WatermarkStrategy<UserEvent> forEvents(Duration outOfOrderness) {
        return WatermarkStrategy.<UserEvent>forBoundedOutOfOrderness(outOfOrderness)
                .withTimestampAssigner((e, previous) -> e.eventTime);
    }

    /** Hides dead letters (timestamp {@link #DEAD_LETTER}) from the wrapped generator. */
    private static final class SkipDeadLetters<T> implements WatermarkGenerator<T> {
        private final WatermarkGenerator<T> delegate;

        SkipDeadLetters(WatermarkGenerator<T> delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onEvent(T record, long timestamp, WatermarkOutput output) {
            if (timestamp != DEAD_LETTER) delegate.onEvent(record, timestamp, output);
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            delegate.onPeriodicEmit(output);
        }
    }
}
