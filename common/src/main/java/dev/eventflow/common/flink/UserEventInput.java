package dev.eventflow.common.flink;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.DeadLetter;
import dev.eventflow.common.event.DeadLetterSerializationSchema;
import dev.eventflow.common.event.DeadLetterSplitter;
import dev.eventflow.common.event.Parsed;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.kafka.KafkaSinks;
import dev.eventflow.common.kafka.KafkaSources;
import dev.eventflow.common.time.EventTimeWatermarks;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The front every job shares, in one place: a parsing Kafka source (malformed records become {@link
 * Parsed} dead letters, never failures), the dead-letter split, and the exactly-once DLQ sink with
 * the reason in headers. {@link #read} is the whole front of a user-event job: {@code
 * --input-topic} read with per-partition bounded-out-of-orderness watermarks and idleness ({@code
 * --watermark-delay}, {@code --idleness}), bounded by {@code --bounded} even after a restore. The
 * job passes its own operator ids, so the uids stay the job's (savepoints match state by uid).
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
     * As above, with the three operators named by the suite's convention in the job's {@code
     * Operators} enum: {@code SOURCE}, {@code ROUTE_DEAD_LETTERS} and {@code SINK_DEAD_LETTERS}.
     */
    public static <E extends Enum<E> & OperatorId> SingleOutputStreamOperator<UserEvent> read(
            StreamExecutionEnvironment env, ParsedOptions o, String jobName, Class<E> operators) {
        return read(env, o, jobName, o.get(CommonOptions.WATERMARK_DELAY), operators);
    }

    /** As above, with the source's watermark delay given by the job. */
    public static <E extends Enum<E> & OperatorId> SingleOutputStreamOperator<UserEvent> read(
            StreamExecutionEnvironment env,
            ParsedOptions o,
            String jobName,
            Duration watermarkDelay,
            Class<E> operators) {
        return read(
                env,
                o,
                jobName,
                watermarkDelay,
                conventional(operators, "SOURCE"),
                conventional(operators, "ROUTE_DEAD_LETTERS"),
                conventional(operators, "SINK_DEAD_LETTERS"));
    }

    private static <E extends Enum<E> & OperatorId> OperatorId conventional(
            Class<E> operators, String constant) {
        try {
            return Enum.valueOf(operators, constant);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    operators.getName() + " declares no " + constant + " operator", e);
        }
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
                parsed(
                        env,
                        KafkaSources.userEventsSource(o, jobName),
                        EventTimeWatermarks.forParsedRecords(
                                watermarkDelay, o.get(CommonOptions.IDLENESS)),
                        TypeInformation.of(UserEvent.class),
                        source,
                        routeDeadLetters);
        sinkDeadLetters(o, jobName, deadLetters(events), deadLetterSink);
        return events;
    }

    /**
     * Any parsing source, split: the parsed records, with their dead letters on {@link
     * #deadLetters} for one shared {@link #sinkDeadLetters}.
     */
    public static <T> SingleOutputStreamOperator<T> parsed(
            StreamExecutionEnvironment env,
            Source<Parsed<T>, ?, ?> kafka,
            WatermarkStrategy<Parsed<T>> watermarks,
            TypeInformation<T> type,
            OperatorId source,
            OperatorId split) {
        return env.fromSource(kafka, watermarks, source.operatorName())
                .uid(source.uid())
                .process(DeadLetterSplitter.<T>create(), type)
                .name(split.operatorName())
                .uid(split.uid());
    }

    /** The dead letters {@link #parsed} split off. */
    public static DataStream<DeadLetter> deadLetters(SingleOutputStreamOperator<?> parsed) {
        return parsed.getSideOutput(DeadLetterSplitter.DEAD_LETTERS);
    }

    /**
     * Writes dead letters to {@code --dlq-topic}, exactly once, with their reason in headers, each
     * cut to fit the producer's {@code max.request.size} if it has to be ({@link
     * DeadLetterSerializationSchema}).
     */
    public static void sinkDeadLetters(
            ParsedOptions o, String jobName, DataStream<DeadLetter> deadLetters, OperatorId sink) {
        KafkaSinks.write(
                deadLetters, o, jobName, "dlq", DeadLetterSerializationSchema.forDlq(o), sink);
    }
}
