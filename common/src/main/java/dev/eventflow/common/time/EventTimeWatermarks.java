package dev.eventflow.common.time;

import dev.eventflow.common.event.ParsedRecord;
import dev.eventflow.common.event.UserEvent;
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
    public static WatermarkStrategy<ParsedRecord> forParsedRecords(
            Duration outOfOrderness, Duration idleness) {
        WatermarkStrategy<ParsedRecord> strategy =
                context -> {
                    WatermarkGenerator<ParsedRecord> bounded =
                            new BoundedOutOfOrdernessWatermarks<>(outOfOrderness);
                    WatermarkGenerator<ParsedRecord> withIdleness =
                            idleness.isZero()
                                    ? bounded
                                    : new WatermarksWithIdleness<>(
                                            bounded, idleness, context.getInputActivityClock());
                    return new SkipDeadLetters(withIdleness);
                };
        return strategy.withTimestampAssigner(
                (r, previous) -> r.event != null ? r.event.eventTime : Long.MIN_VALUE);
    }

    /** For in-memory test inputs and re-keyed streams of events. */
    public static WatermarkStrategy<UserEvent> forEvents(Duration outOfOrderness) {
        return WatermarkStrategy.<UserEvent>forBoundedOutOfOrderness(outOfOrderness)
                .withTimestampAssigner((e, previous) -> e.eventTime);
    }

    /** Hides dead letters from the wrapped generator. */
    private static final class SkipDeadLetters implements WatermarkGenerator<ParsedRecord> {
        private final WatermarkGenerator<ParsedRecord> delegate;

        SkipDeadLetters(WatermarkGenerator<ParsedRecord> delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onEvent(ParsedRecord record, long timestamp, WatermarkOutput output) {
            if (record.event != null) delegate.onEvent(record, timestamp, output);
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            delegate.onPeriodicEmit(output);
        }
    }
}
