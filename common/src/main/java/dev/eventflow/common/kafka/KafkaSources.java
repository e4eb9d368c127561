package dev.eventflow.common.kafka;

import dev.eventflow.common.config.CommonOptions;
import dev.eventflow.common.config.ParsedOptions;
import dev.eventflow.common.event.Parsed;
import dev.eventflow.common.event.ParsingDeserializationSchema;
import dev.eventflow.common.event.UserEvent;
import dev.eventflow.common.event.UserEventParser;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Kafka sources configured from the common options: Spark's {@code readStream.format("kafka")} with
 * {@code subscribe} and {@code startingOffsets}.
 *
 * <p>Unlike Spark, offsets live in Flink's checkpoints (restored exactly on recovery); the offsets
 * committed to the consumer group on each checkpoint are for monitoring ({@code
 * kafka-consumer-groups --describe}) and for {@code --starting-offsets committed} on a fresh start.
 */
public final class KafkaSources {

    private KafkaSources() {}

    /** A source of parsed user events (malformed records become dead letters, never failures). */
    public static KafkaSource<Parsed<UserEvent>> userEvents(ParsedOptions o, String jobName) {
        UserEventParser parser =
                new UserEventParser(o.get(CommonOptions.MAX_FUTURE_SKEW).toMillis());
        return KafkaSources.<Parsed<UserEvent>>base(o, jobName, o.get(CommonOptions.INPUT_TOPIC))
                .setDeserializer(ParsingDeserializationSchema.userEvents(parser))
                .build();
    }

    /**
     * As {@link #userEvents}, and with {@code --bounded} also bounded after a restore from a
     * savepoint taken by an unbounded run (see {@link BoundedOnRestoreKafkaSource}). Jobs should
     * use this one: it is what makes "upgrade from a savepoint, then finish {@code --bounded}"
     * terminate.
     */
    public static Source<Parsed<UserEvent>, KafkaPartitionSplit, KafkaSourceEnumState>
            userEventsSource(ParsedOptions o, String jobName) {
        return boundedOnRestore(userEvents(o, jobName));
    }

    /**
     * The source itself when it is unbounded; a bounded one wrapped so that splits restored without
     * a stopping offset stop at the end offsets seen when they are taken.
     */
    public static <T> Source<T, KafkaPartitionSplit, KafkaSourceEnumState> boundedOnRestore(
            KafkaSource<T> source) {
        return source.getBoundedness() == Boundedness.BOUNDED
                ? new BoundedOnRestoreKafkaSource<>(source)
                : source;
    }

    /**
     * A builder with servers, topic, group, starting/stopping offsets and pass-through properties.
     */
    public static <T> KafkaSourceBuilder<T> base(ParsedOptions o, String jobName, String topic) {
        KafkaSourceBuilder<T> b =
                KafkaSource.<T>builder()
                        .setBootstrapServers(o.get(CommonOptions.BOOTSTRAP_SERVERS))
                        .setTopics(topic)
                        .setGroupId(KafkaSettings.groupId(o, jobName))
                        .setClientIdPrefix("eventflow-" + jobName + "-" + topic)
                        .setStartingOffsets(startingOffsets(o.get(CommonOptions.STARTING_OFFSETS)))
                        // Upstream producers may be transactional: never read aborted data.
                        .setProperty("isolation.level", "read_committed");
        if (o.get(CommonOptions.BOUNDED)) {
            // The end offsets seen at start: the job reads up to them, flushes windows, finishes.
            b.setBounded(OffsetsInitializer.latest());
        }
        o.kafkaProperties().forEach(b::setProperty);
        return b;
    }

    static OffsetsInitializer startingOffsets(CommonOptions.StartingOffsets s) {
        switch (s) {
            case EARLIEST:
                return OffsetsInitializer.earliest();
            case LATEST:
                return OffsetsInitializer.latest();
            default:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        }
    }
}
