package dev.eventflow.jobs.lateaudit;

import dev.eventflow.common.event.Json;
import dev.eventflow.common.kafka.KeyedRecordSerializationSchema;

/**
 * Writes an {@link AuditRow} as JSON keyed by its window start: {@code
 * {"window_start","window_end","on_time_count","late_count","lost_count","max_lateness_ms",
 * "p50_lateness_ms","p99_lateness_ms","affected_users","late_ratio"}}.
 */
public final class AuditRowSerializationSchema extends KeyedRecordSerializationSchema<AuditRow> {
    private static final long serialVersionUID = 1L;

    public AuditRowSerializationSchema(String topic) {
        super(topic, r -> Json.isoTime(r.windowStart()), AuditRowSerializationSchema::toJson);
    }

    public static byte[] toJson(AuditRow r) {
        return Json.write(
                g -> {
                    g.writeStartObject();
                    g.writeStringField("window_start", Json.isoTime(r.windowStart()));
                    g.writeStringField("window_end", Json.isoTime(r.windowEnd()));
                    g.writeNumberField("on_time_count", r.onTimeCount());
                    g.writeNumberField("late_count", r.lateCount());
                    g.writeNumberField("lost_count", r.lostCount());
                    nullableLong(g, "max_lateness_ms", r.maxLatenessMs());
                    nullableLong(g, "p50_lateness_ms", r.p50LatenessMs());
                    nullableLong(g, "p99_lateness_ms", r.p99LatenessMs());
                    g.writeNumberField("affected_users", r.affectedUsers());
                    g.writeNumberField("late_ratio", r.lateRatio());
                    g.writeEndObject();
                });
    }

    private static void nullableLong(
            com.fasterxml.jackson.core.JsonGenerator g, String field, Long value)
            throws java.io.IOException {
        if (value == null) g.writeNullField(field);
        else g.writeNumberField(field, value.longValue());
    }
}
