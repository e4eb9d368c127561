package dev.eventflow.jobs.dedup;

import dev.eventflow.common.event.Json;
import dev.eventflow.common.event.UserEvent;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a deduplicated event in the input format ({@code event_time} as ISO-8601 UTC), keyed by
 * user_id like the input, so one user's events stay in order in one partition.
 */
public final class DedupEventSerializationSchema
        implements KafkaRecordSerializationSchema<UserEvent> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    public DedupEventSerializationSchema(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            UserEvent e, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic, e.userId.getBytes(StandardCharsets.UTF_8), Json.event(e));
    }
}
