package dev.eventflow.jobs.lateaudit;

import dev.eventflow.common.event.Json;
import dev.eventflow.common.kafka.KeyedRecordSerializationSchema;

/**
 * Writes a {@link LateSample} keyed by user_id: the event's fields (event_time as ISO-8601 UTC)
 * plus {@code "tier"} ({@code late} or {@code lost}), {@code "watermark"} (the main tier's,
 * ISO-8601 UTC) and {@code "lateness_ms"}.
 */
public final class LateSampleSerializationSchema
        extends KeyedRecordSerializationSchema<LateSample> {
    private static final long serialVersionUID = 1L;

    public LateSampleSerializationSchema(String topic) {
        super(topic, s -> s.event().userId, LateSampleSerializationSchema::toJson);
    }

    public static byte[] toJson(LateSample s) {
        return Json.eventWith(
                s.event(),
                g -> {
                    g.writeStringField("tier", s.tier().label());
                    g.writeStringField("watermark", Json.isoTime(s.watermark()));
                    g.writeNumberField("lateness_ms", s.latenessMs());
                });
    }
}
