package dev.eventflow.jobs.windowagg;

import dev.eventflow.common.event.Json;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a {@link LateEvent} keyed by user_id: the event's fields (event_time as ISO-8601 UTC) plus
 * {@code "watermark"} (ISO-8601 UTC) and {@code "lateness_ms"}.
 */
public final class LateEventSerializationSchema
        implements KafkaRecordSerializationSchema<LateEvent> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    public LateEventSerializationSchema(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            LateEvent late, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic, late.event.userId.getBytes(StandardCharsets.UTF_8), toJson(late));
    }

    public static byte[] toJson(LateEvent late) {
        return Json.write(
                g -> {
                    g.writeStartObject();
                    Json.eventFields(g, late.event);
                    g.writeStringField("watermark", Json.isoTime(late.watermark));
                    g.writeNumberField("lateness_ms", late.latenessMs);
                    g.writeEndObject();
                });
    }
}
