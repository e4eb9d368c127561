package dev.eventflow.jobs.joins;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.eventtime.WatermarksWithIdleness;

/**
 * The watermark strategy of the impressions and clicks sources, the same as common's {@code
 * EventTimeWatermarks.forParsedRecords} for user events: bounded out-of-orderness per Kafka
 * partition, idleness, and dead letters neither moving the watermark nor counting as activity.
 */
public final class JoinWatermarks {

    private JoinWatermarks() {}

    public static WatermarkStrategy<ParsedJoinRecord> forParsedRecords(
            Duration outOfOrderness, Duration idleness) {
        WatermarkStrategy<ParsedJoinRecord> strategy =
                context -> {
                    WatermarkGenerator<ParsedJoinRecord> bounded =
                            new BoundedOutOfOrdernessWatermarks<>(outOfOrderness);
                    WatermarkGenerator<ParsedJoinRecord> withIdleness =
                            idleness.isZero()
                                    ? bounded
                                    : new WatermarksWithIdleness<>(
                                            bounded, idleness, context.getInputActivityClock());
                    return new SkipDeadLetters(withIdleness);
                };
        return strategy.withTimestampAssigner((r, previous) -> r.eventTime());
    }

    private static final class SkipDeadLetters implements WatermarkGenerator<ParsedJoinRecord> {
        private final WatermarkGenerator<ParsedJoinRecord> delegate;

        SkipDeadLetters(WatermarkGenerator<ParsedJoinRecord> delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onEvent(ParsedJoinRecord record, long timestamp, WatermarkOutput output) {
            if (!record.isDeadLetter()) delegate.onEvent(record, timestamp, output);
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            delegate.onPeriodicEmit(output);
        }
    }
}
