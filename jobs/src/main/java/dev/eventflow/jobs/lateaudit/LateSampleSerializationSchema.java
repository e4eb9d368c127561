package dev.eventflow.jobs.lateaudit;

import dev.eventflow.common.event.Json;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a {@link LateSample} keyed by user_id: the event's fields (event_time as ISO-8601 UTC)
 * plus {@code "tier"} ({@code late} or {@code lost}), {@code "watermark"} (the main tier's,
 * ISO-8601 UTC) and {@code "lateness_ms"}.
 */
public final class LateSampleSerializationSchema
        implements KafkaRecordSerializationSchema<LateSample> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    public LateSampleSerializationSchema(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            LateSample s, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic, s.event.userId.getBytes(StandardCharsets.UTF_8), toJson(s));
    }

    public static byte[] toJson(LateSample s) {
        return Json.write(
                g -> {
                    g.writeStartObject();
                    Json.eventFields(g, s.event);
                    g.writeStringField("tier", s.tier.label());
                    g.writeStringField("watermark", Json.isoTime(s.watermark));
                    g.writeNumberField("lateness_ms", s.latenessMs);
                    g.writeEndObject();
                });
    }
}
