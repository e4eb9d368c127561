package dev.eventflow.jobs.windowagg;

import dev.eventflow.common.event.Json;
import dev.eventflow.common.kafka.KeyedRecordSerializationSchema;

/**
 * Writes a {@link LateEvent} keyed by user_id: the event's fields (event_time as ISO-8601 UTC) plus
 * {@code "watermark"} (ISO-8601 UTC) and {@code "lateness_ms"}.
 */
public final class LateEventSerializationSchema extends KeyedRecordSerializationSchema<LateEvent> {
    private static final long serialVersionUID = 1L;

    public LateEventSerializationSchema(String topic) {
        super(topic, late -> late.event().userId, LateEventSerializationSchema::toJson);
    }

    public static byte[] toJson(LateEvent late) {
        return Json.eventWith(
                late.event(),
                g -> {
                    g.writeStringField("watermark", Json.isoTime(late.watermark()));
                    g.writeNumberField("lateness_ms", late.latenessMs());
                });
    }
}
