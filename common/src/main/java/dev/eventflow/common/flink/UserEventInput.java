package dev.eventflow.common.flink;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.DeadLetterRouter;
import dev.eventflow.common.event.DeadLetterSerializationSchema;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.kafka.KafkaSinks;
import dev.eventflow.common.kafka.KafkaSources;
import dev.eventflow.common.time.EventTimeWatermarks;
import java.time.Duration;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The front every user-event job shares, in one place: {@code --input-topic} read by a Kafka source
 * with per-partition bounded-out-of-orderness watermarks and idleness ({@code --watermark-delay},
 * {@code --idleness}), bounded by {@code --bounded} even after a restore, malformed records split
 * off and written exactly once to {@code --dlq-topic} with their reason. The job passes its own
 * operator ids, so the uids stay the job's (savepoints match state by uid).
 *
 * <p>Spark equivalent: {@code spark.readStream.format("kafka")...} + {@code from_json} + a filter
 * on the parse result written to a DLQ topic by a second query.
 */
public final class UserEventInput {

    private UserEventInput() {}

    /**
     * Adds source, dead-letter routing and the DLQ sink to {@code env}; returns the well-formed
     * events, carrying event-time timestamps and watermarks.
     */
    public static SingleOutputStreamOperator<UserEvent> read(
            StreamExecutionEnvironment env,
            ParsedOptions o,
            String jobName,
            OperatorId source,
            OperatorId routeDeadLetters,
            OperatorId deadLetterSink) {
        return read(
                env,
                o,
                jobName,
                o.get(CommonOptions.WATERMARK_DELAY),
                source,
                routeDeadLetters,
                deadLetterSink);
    }

    /**
     * As above, with the source's watermark delay given by the job instead of {@code
     * --watermark-delay} (late-audit's source runs on its audit tier).
     */
    public static SingleOutputStreamOperator<UserEvent> read(
            StreamExecutionEnvironment env,
            ParsedOptions o,
            String jobName,
            Duration watermarkDelay,
            OperatorId source,
            OperatorId routeDeadLetters,
            OperatorId deadLetterSink) {
        SingleOutputStreamOperator<UserEvent> events =
                env.fromSource(
                                KafkaSources.userEventsSource(o, jobName),
                                EventTimeWatermarks.forParsedRecords(
                                        watermarkDelay, o.get(CommonOptions.IDLENESS)),
                                source.operatorName())
                        .uid(source.uid())
                        .process(new DeadLetterRouter())
                        .name(routeDeadLetters.operatorName())
                        .uid(routeDeadLetters.uid());
        events.getSideOutput(DeadLetterRouter.DEAD_LETTERS)
                .sinkTo(
                        KafkaSinks.create(
                                o,
                                jobName,
                                "dlq",
                                new DeadLetterSerializationSchema(o.get(CommonOptions.DLQ_TOPIC))))
                .name(deadLetterSink.operatorName())
                .uid(deadLetterSink.uid());
        return events;
    }
}
