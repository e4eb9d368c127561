package dev.eventflow.jobs.joins;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.eventflow.common.event.Json;
import dev.eventflow.common.kafka.KeyedRecordSerializationSchema;
import java.io.IOException;

/**
 * Writes a {@link JoinedRow} keyed by impression_id: {@code {"impression_id", "user_id", "ad_id",
 * "impression_time", "click_id", "click_time"}}, times as ISO-8601 UTC, nulls for the missing side.
 */
public final class JoinedRowSerializationSchema extends KeyedRecordSerializationSchema<JoinedRow> {
    private static final long serialVersionUID = 1L;

    public JoinedRowSerializationSchema(String topic) {
        super(topic, r -> r.impressionId(), JoinedRowSerializationSchema::toJson);
    }

    public static byte[] toJson(JoinedRow r) {
        return Json.write(
                g -> {
                    g.writeStartObject();
                    g.writeStringField("impression_id", r.impressionId());
                    g.writeStringField("user_id", r.userId());
                    g.writeStringField("ad_id", r.adId());
                    time(g, "impression_time", r.impressionTime());
                    g.writeStringField("click_id", r.clickId());
                    time(g, "click_time", r.clickTime());
                    g.writeEndObject();
                });
    }

    private static void time(JsonGenerator g, String field, Long epochMillis) throws IOException {
        if (epochMillis == null) {
            g.writeNullField(field);
        } else {
            g.writeStringField(field, Json.isoTime(epochMillis));
        }
    }
}
