package dev.eventflow.jobs.joins;

import dev.eventflow.common.event.Json;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes an {@link EnrichedEvent} keyed by user_id: the event in its input format (event_time as
 * ISO-8601 UTC) plus {@code "profile_found"} (true or false), {@code "country"} and {@code
 * "segment"} (null when there is no profile or the profile leaves them out).
 */
public final class EnrichedEventSerializationSchema
        implements KafkaRecordSerializationSchema<EnrichedEvent> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    public EnrichedEventSerializationSchema(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            EnrichedEvent e, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic, e.event.userId.getBytes(StandardCharsets.UTF_8), toJson(e));
    }

    public static byte[] toJson(EnrichedEvent e) {
        return Json.write(
                g -> {
                    g.writeStartObject();
                    Json.eventFields(g, e.event);
                    g.writeBooleanField("profile_found", e.profile != null);
                    g.writeStringField("country", e.profile == null ? null : e.profile.country);
                    g.writeStringField("segment", e.profile == null ? null : e.profile.segment);
                    g.writeEndObject();
                });
    }
}
